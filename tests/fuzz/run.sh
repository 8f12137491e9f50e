#!/usr/bin/env bash
# Fuzz driver.
#   tests/fuzz/run.sh            smoke (make test, TEST_SH): when clang is
#                                installed, build the targets and run each once
#                                over its seeds and tests/fuzz/regress/<target>/;
#                                cmocka-style lines for run_tests.sh
#   tests/fuzz/run.sh fuzz N     (make fuzz FUZZ_S=N): install clang when
#                                missing, then fuzz each target N seconds, one
#                                at a time, corpus kept in build/fuzz/corpus/
# Crashes are written to build/fuzz/crash/<target>/ (libFuzzer's artifacts).
set -u
cd "$(dirname "$0")/../.."
mode=${1:-smoke}; secs=${2:-60}
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
pass=0; fail=0
ok()  { echo "[       OK ] $1"; pass=$((pass + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; fail=$((fail + 1)); }

if ! command -v clang >/dev/null 2>&1; then
  if [ "$mode" = smoke ]; then
    echo "fuzz smoke: clang not installed, skipped"; echo "[  PASSED  ] 0 test(s)."; exit 0
  fi
  echo "featlink: installing missing packages: clang"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends clang || exit 1
fi
log=build/fuzz/build.log; mkdir -p build/fuzz
if ! make --no-print-directory -j2 FL_STAGE=build FUZZ=1 SAN=0 MPI=0 PIC=0 fuzz-bins >"$log" 2>&1; then
  tail -30 "$log"; echo "[  FAILED  ] 1 test(s), fuzz build failed (see $log)"; exit 1
fi
seeds=build/fuzz/seeds
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
rm -rf "$seeds"
build/fuzz/fuzzbin/seeds "$seeds" scenarios >/dev/null || { echo "[  FAILED  ] 1 test(s), seeds"; exit 1; }
for bin in build/fuzz/fuzzbin/fuzz_*; do
  t=$(basename "$bin")
  dirs=("$seeds/$t"); [ -d "tests/fuzz/regress/$t" ] && dirs+=("tests/fuzz/regress/$t")
  mkdir -p "build/fuzz/crash/$t"
  opts=(-timeout=20 -rss_limit_mb=2048 -artifact_prefix="build/fuzz/crash/$t/")
  # libhdf5 itself asks malloc for absurd sizes on some corrupt files (then
  # fails cleanly on NULL): let ASan return NULL as the real allocator does
  case $t in fuzz_hdf5|fuzz_projector) export ASAN_OPTIONS=allocator_may_return_null=1 ;;
    *) unset ASAN_OPTIONS ;; esac
  if [ "$mode" = smoke ]; then
    if out=$("$bin" "${opts[@]}" -runs=0 "${dirs[@]}" 2>&1); then ok "$t: seeds"
    else echo "$out" | tail -20; bad "$t" "failed on a seed or regression input"; fi
  else
    corpus=build/fuzz/corpus/$t; mkdir -p "$corpus"
    "$bin" "${opts[@]}" -max_total_time="$secs" -print_final_stats=1 "$corpus" "${dirs[@]}" \
      >"build/fuzz/$t.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$t.log")
    cov=$(grep -o 'cov: [0-9]*' "build/fuzz/$t.log" | tail -1)
    if [ $rc -eq 0 ]; then ok "$t: ${execs:-?} execs in ${secs}s, $cov"
    else tail -30 "build/fuzz/$t.log"; bad "$t" "exit $rc after ${execs:-?} execs (build/fuzz/$t.log)"; fi
  fi
done
rm -f /tmp/featlink-fuzz-$$* 2>/dev/null
echo "[  PASSED  ] $pass test(s)."
[ $fail -eq 0 ] || { echo "[  FAILED  ] $fail test(s)"; exit 1; }
