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
printf 'int fl_pinr_select(void);\nint fl_planted(void) { return fl_pinr_select(); }\n' > "$tmp/p.c"
printf 'int fl_pinr_select(void) { return 0; }\n' > "$tmp/q.c"
if cc -c "$tmp/p.c" -o "$tmp/p.o" && cc -c "$tmp/q.c" -o "$tmp/q.o" &&
   [ "$(bad_refs "$tmp/p.o" "$tmp/q.o")" = "$tmp/p.o: fl_pinr_select" ] &&
   [ -z "$(bad_refs "$tmp/q.o" "$tmp/p.o")" ]; then
  ok "self-test: a planted cross-layer symbol reference is caught by nm"
else
  bad "self-test" "nm check missed the planted reference"
fi

# library hygiene (issue 11): every global symbol the library defines starts
# with fl_ or featlink_, so a program can link featlink beside liquid-dsp,
# VOLK or libfec (liquid also exports modem_create) without a clash; an
# OpenMP named critical section is the common symbol .gomp_critical_user_NAME
unprefixed() { defined "$@" | sed 's/^\.gomp_critical_user_//' | grep -v '^fl_\|^featlink_' || true; }
printf 'int planted_unprefixed(void) { return 0; }\n' > "$tmp/u.c"
if cc -c "$tmp/u.c" -o "$tmp/u.o" && [ "$(unprefixed "$tmp/p.o" "$tmp/u.o")" = "planted_unprefixed" ]; then
  ok "self-test: a planted unprefixed global symbol is caught (fl_planted is not)"
else
  bad "self-test" "prefix check missed the planted planted_unprefixed"
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
if [ -f "$build/libfeatlink.a" ]; then
  hits=$(unprefixed "$build/libfeatlink.a" | head -20 | tr '\n' ' ')
  if [ -z "$hits" ]; then ok "nm: every global symbol of libfeatlink.a starts with fl_ or featlink_"
  else bad "nm: unprefixed global symbols in libfeatlink.a" "$hits"; fi
else
  bad "library" "no $build/libfeatlink.a (build first)"
fi

echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then echo "[  FAILED  ] $fail test(s), listed above."; exit 1; fi
