#!/usr/bin/env bash
# Layer check (Makefile TEST_SH, run by run_tests.sh inside `make test`):
# the dependency rule of docs/ARCHITECTURE.md, checked mechanically.
#   common/  includes nothing of channel/, codec/, sim/
#   channel/ includes nothing of codec/, sim/     (common/ is allowed)
#   codec/   includes nothing of channel/, sim/   (common/ is allowed)
# and, on the built objects ($FEATLINK_BUILD, default build/), with nm: no
# channel/ object references a symbol defined in a codec/ or sim/ object, and
# no codec/ object one defined in a channel/ or sim/ object. Before that, each
# check is run once on a planted violation and must catch it, so a check that
# cannot fail fails here.
# Prints cmocka-style lines so run_tests.sh counts the cases.
set -u
cd "$(dirname "$0")/.."
build=${FEATLINK_BUILD:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { echo "[       OK ] $1"; pass=$((pass + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; fail=$((fail + 1)); }

# bad_includes DIR LAYER...: "file:line: #include ..." for every include of
# one of the LAYERs by a source or header file under DIR
bad_includes() {
  local dir=$1; shift
  local alt; alt=$(IFS='|'; echo "$*")
  grep -EHn "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<](\.\./)*($alt)/" \
    "$dir"/*.c "$dir"/*.h 2>/dev/null
}

# defined OBJ...: the external symbols the objects define
defined() { nm -g --defined-only "$@" 2>/dev/null | awk 'NF >= 3 {print $3}' | sort -u; }
# undefined OBJ...: "object: symbol" for every external symbol an object uses
undefined() {
  local o
  for o in "$@"; do nm -u "$o" 2>/dev/null | awk -v o="$o" '{print o ": " $NF}'; done
}
# bad_refs "OBJ..." "FORBIDDEN_OBJ...": uses in the first set of symbols the
# second set defines
bad_refs() {
  # shellcheck disable=SC2086
  defined $2 > "$tmp/forbidden"
  # shellcheck disable=SC2086
  undefined $1 | awk 'NR == FNR {f[$1] = 1; next} ($2 in f)' "$tmp/forbidden" -
}

# --- the checks must be able to fail: planted violations ---
mkdir -p "$tmp/channel"
printf '#include "channel/noise.h"\n#include "codec/pinr.h"\n' > "$tmp/channel/x.c"
printf '#include "../sim/run.h"\n' > "$tmp/channel/y.h"
if [ "$(bad_includes "$tmp/channel" codec sim | wc -l)" -eq 2 ]; then
  ok "self-test: planted codec/ and sim/ includes in channel/ are caught"
else
  bad "self-test" "planted includes not caught: $(bad_includes "$tmp/channel" codec sim)"
fi
printf 'int pinr_select(void);\nint fl_planted(void) { return pinr_select(); }\n' > "$tmp/p.c"
printf 'int pinr_select(void) { return 0; }\n' > "$tmp/q.c"
if cc -c "$tmp/p.c" -o "$tmp/p.o" && cc -c "$tmp/q.c" -o "$tmp/q.o" &&
   [ "$(bad_refs "$tmp/p.o" "$tmp/q.o")" = "$tmp/p.o: pinr_select" ] &&
   [ -z "$(bad_refs "$tmp/q.o" "$tmp/p.o")" ]; then
  ok "self-test: a planted cross-layer symbol reference is caught by nm"
else
  bad "self-test" "nm check missed the planted reference"
fi

# --- the tree ---
check_includes() { # DIR LAYER...
  local dir=$1 hits; shift
  hits=$(bad_includes "$dir" "$@")
  if [ -z "$hits" ]; then ok "$dir/ includes nothing of $*"; else bad "$dir/ includes $*" "$hits"; fi
}
check_includes common channel codec sim
check_includes channel codec sim
check_includes codec channel sim

ch=$(ls "$build"/channel/*.o 2>/dev/null); co=$(ls "$build"/codec/*.o 2>/dev/null)
si=$(ls "$build"/sim/*.o 2>/dev/null)
if [ -z "$ch" ] || [ -z "$co" ] || [ -z "$si" ]; then
  bad "objects" "no channel/, codec/ or sim/ objects under $build/ (build first)"
else
  hits=$(bad_refs "$ch" "$co $si")
  if [ -z "$hits" ]; then ok "nm: channel/ objects use no codec/ or sim/ symbol"
  else bad "nm: channel/ uses another layer" "$hits"; fi
  hits=$(bad_refs "$co" "$ch $si")
  if [ -z "$hits" ]; then ok "nm: codec/ objects use no channel/ or sim/ symbol"
  else bad "nm: codec/ uses another layer" "$hits"; fi
fi

echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then echo "[  FAILED  ] $fail test(s), listed above."; exit 1; fi
