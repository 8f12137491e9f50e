#!/usr/bin/env bash
# Plots reuse check (Makefile TEST_SH, run by run_tests.sh inside `make test`):
# plots/lib.sh's `results` reruns a scenario only when its results are
# missing or stale and says why (issue 7 point 10), and the figure
# scripts draw a PNG from the data. Prints cmocka-style lines.
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { echo "[       OK ] $1"; pass=$((pass + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; fail=$((fail + 1)); }
export BIN="$(pwd)/${FEATLINK_BIN:-bin/featlink}" OUT="$tmp/plots" JOBS=1
unset FEATLINK_VERSION_LINE FEATLINK_BIN_SHA
. plots/lib.sh
scn="$tmp/small.json"
echo '{"source": {"tokens": 16, "dims": 8}, "codec": {"select": "pinr", "f": 0.25}}' > "$scn"
expect() {   # expect WHAT PATTERN COMMAND...: the line `results` prints matches PATTERN
  local what=$1 pat=$2; shift 2
  local line; line=$("$@" 2>&1)
  if [[ "$line" =~ $pat ]]; then ok "$what: $line"; else bad "$what" "got '$line'"; fi
}
expect "first run"            '^rerun  small +\(no results file'          results small "$scn"
expect "second run reuses"    '^reused small$'                             results small "$scn"
[ -s "$DATA/small.csv" ] && ok "export written beside the results" || bad "export" "no $DATA/small.csv"
expect "another --set"        '^rerun  small +\(command line changed'     results small "$scn" codec.f=0.5
expect "same --set again"     '^reused small$'                             results small "$scn" codec.f=0.5
sleep 1; touch "$scn"
expect "scenario edited"      '^rerun  small +\(scenario newer than results' results small "$scn" codec.f=0.5
sleep 1; touch "$DATA/small.h5"
expect "results touched"      '^rerun  small +\(results newer than their stamp' results small "$scn" codec.f=0.5
sed -i '1s/.*/featlink 0.0.0 (git other)/' "$DATA/small.stamp"
expect "other binary version" '^rerun  small +\(was featlink 0.0.0'       results small "$scn" codec.f=0.5
if command -v gnuplot >/dev/null 2>&1; then
  # the capacity runs shortened to one simulated minute (a figure, not its numbers)
  if OUT="$tmp/plots" BIN="$BIN" SYSTEM_SETS="system.duration_s=60" bash plots/extra_system.sh >/dev/null 2>&1 &&
     [ -s "$tmp/plots/system_latency.png" ] && [ -s "$tmp/plots/system_capacity.png" ]; then
    ok "system figures drawn (system_latency.png, system_capacity.png)"
  else
    bad "system figures" "plots/extra_system.sh did not draw both PNGs"
  fi
fi
echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then echo "[  FAILED  ] $fail test(s), listed above."; exit 1; fi
