#!/usr/bin/env bash
# Run every test program; sum cmocka's per-program summaries into one final
# "N passed, N failed" line. Exit non-zero if any test failed or crashed.
set -u
passed=0; failed=0; crashed=0
for t in "$@"; do
  echo "== $t"
  s=$SECONDS
  out=$("$t" 2>&1); rc=$?
  echo "$out"
  echo "-- $t: $((SECONDS - s)) s"
  p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "!! $t exited with status $rc"; crashed=$((crashed + 1)); failed=$((failed + 1))
  fi
done
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
