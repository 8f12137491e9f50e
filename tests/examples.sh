#!/usr/bin/env bash
# Examples check (Makefile TEST_SH, run by run_tests.sh inside `make test`):
# runs every program of examples/ (built by `make` into $FEATLINK_BUILD/examples,
# default build/); each compares what it computed with an independent value
# and exits non-zero when they disagree. Prints cmocka-style lines so
# run_tests.sh counts one case per example.
set -u
cd "$(dirname "$0")/.."
build=${FEATLINK_BUILD:-build}
pass=0; fail=0
for src in examples/*.c; do
  name=$(basename "$src" .c); exe="$build/examples/$name"
  if [ ! -x "$exe" ]; then
    echo "[  FAILED  ] $name: $exe not built (make)"; fail=$((fail + 1)); continue
  fi
  out=$("$exe" 2>&1); rc=$?
  echo "$out" | sed 's/^/    /'
  if [ $rc -eq 0 ]; then echo "[       OK ] $name"; pass=$((pass + 1))
  else echo "[  FAILED  ] $name: exit status $rc"; fail=$((fail + 1)); fi
done
[ $((pass + fail)) -gt 0 ] || { echo "[  FAILED  ] 1 test(s), no examples found"; exit 1; }
echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then echo "[  FAILED  ] $fail test(s), listed above."; exit 1; fi
