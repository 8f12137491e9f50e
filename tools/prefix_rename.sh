#!/bin/bash
# tools/prefix_rename.sh: run in a featlink checkout root after `make all`;
# prefixes every global symbol of build/libfeatlink.a that lacks fl_ or
# featlink_ with fl_, in C sources (outside literals), shell scripts and
# Markdown code spans (tools/prefix_rename.pl). Used once for main
# (issue 11); for a branch made before that, run it on the branch, commit,
# then rebase onto main, so only real changes conflict. OpenMP named
# critical sections are not in the list: name them fl_... by hand.
set -euo pipefail
nm -g --defined-only build/libfeatlink.a | awk '$2 ~ /^[TDBRGSVW]$/ {print $3}' | sort -u | { grep -v '^fl_\|^featlink_' || true; } > /tmp/ren_syms
: > /tmp/ren_mdskip
while read -r s; do
  if git grep -qF "\"$s\"" -- '*.c' '*.h'; then echo "$s" >> /tmp/ren_mdskip; fi
done < /tmp/ren_syms
echo "symbols: $(wc -l < /tmp/ren_syms); md-skip: $(tr '\n' ' ' < /tmp/ren_mdskip)"
git ls-files -- ':!tools/*' '*.c' '*.h' '*.cc' '*.md' '*.sh' | xargs perl tools/prefix_rename.pl /tmp/ren_syms /tmp/ren_mdskip
