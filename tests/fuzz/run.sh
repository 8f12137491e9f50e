#!/usr/bin/env bash
# Fuzz driver.
#   tests/fuzz/run.sh            smoke (make test, TEST_SH): when clang is
#                                installed, build the targets and run each once
#                                over its seeds and tests/fuzz/regress/<target>/;
#                                cmocka-style lines for run_tests.sh
#   tests/fuzz/run.sh fuzz N     (make fuzz FUZZ_S=N): install clang when
#                                missing, then fuzz each target N seconds, one
#                                at a time, corpus kept in build/fuzz/corpus/
#   tests/fuzz/run.sh campaign N R [TARGET...]
#                                (make fuzz-campaign): each target (or the
#                                ones named) until R executions or N seconds,
#                                whichever comes first (issue 10: R = 10^7,
#                                N = 3600); one line per target with execs,
#                                seconds, exec/s and coverage, also appended
#                                to build/fuzz/campaign.txt with the CPU model
# Crashes are written to build/fuzz/crash/<target>/ (libFuzzer's artifacts);
# a crash inside libhdf5 itself (not featlink's code) does not fail the run:
# its input is moved to build/fuzz/libhdf5/<target>/ and fuzzing goes on.
# tests/fuzz/libhdf5-crash/ keeps such inputs; they are never run here.
set -u
cd "$(dirname "$0")/../.."
mode=${1:-smoke}; secs=${2:-60}; runs=${3:-0}
only=(); if [ "$mode" = campaign ]; then shift $(($# < 3 ? $# : 3)); only=("$@"); fi
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
# seeds per run, so that campaign runs over different targets can go side by side
seeds=build/fuzz/seeds.$$

# 1 when the sanitizer report in log _1 is libhdf5's own: the first stack
# frame that is libhdf5 or featlink code is libhdf5 (README "Trust boundary")
libhdf5_crash() {
  sed -n '/^==[0-9]*== *ERROR\|^SUMMARY/,$p' "$1" | grep -E '^ *#[0-9]+ ' |
    grep -m1 -E 'libhdf5|(sim|codec|channel|common|tests)/[a-z0-9_]+\.c' | grep -q libhdf5
}

# fuzz target _1 (named _2) for $secs seconds over corpus + seed dirs _3...;
# a crash inside libhdf5 (HDF5 targets) is kept under build/fuzz/libhdf5/
# and the run goes on for the time left; any other finding fails
fuzz_target() {
  local bin=$1 t=$2; shift 2
  local corpus=build/fuzz/corpus/$t log=build/fuzz/$t.log start=$SECONDS left=$secs
  local total=0 known=0 rc execs cov unit
  mkdir -p "$corpus"; : >"$log"
  while :; do
    local lim=(); [ "$runs" -gt 0 ] && lim=(-runs=$((runs - total)))
    "$bin" "${opts[@]}" "${lim[@]}" -max_total_time="$left" -print_final_stats=1 "$corpus" "$@" >"$log.run" 2>&1
    rc=$?; cat "$log.run" >>"$log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log.run")
    total=$((total + ${execs:-0}))
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
    [ $rc -ne 0 ] && libhdf5_crash "$log.run" || break
    known=$((known + 1)); mkdir -p "build/fuzz/libhdf5/$t"
    unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log.run" | tail -1)
    [ -n "$unit" ] && mv "$unit" "build/fuzz/libhdf5/$t/" 2>/dev/null
    left=$((secs - (SECONDS - start))); [ $left -gt 0 ] || { rc=0; break; }
    [ "$runs" -gt 0 ] && [ $total -ge "$runs" ] && { rc=0; break; }
  done
  rm -f "$log.run"
  local note=""; [ $known -gt 0 ] && note=", $known libhdf5 crash(es) kept in build/fuzz/libhdf5/$t"
  local took=$((SECONDS - start)); [ $took -gt 0 ] || took=1
  if [ $rc -eq 0 ] && [ "$mode" = campaign ]; then
    local line="$t: $total execs in ${took}s ($((total / took)) exec/s), $cov$note"
    ok "$line"; echo "$(date -u +%FT%TZ) $cpu | $line" >>build/fuzz/campaign.txt
  elif [ $rc -eq 0 ]; then ok "$t: $total execs in ${secs}s, $cov$note"
  else tail -30 "$log"; bad "$t" "exit $rc after $total execs ($log)"; fi
}
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
rm -rf "$seeds"; trap 'rm -rf "$seeds"' EXIT
build/fuzz/fuzzbin/seeds "$seeds" scenarios >/dev/null || { echo "[  FAILED  ] 1 test(s), seeds"; exit 1; }
cpu=$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -1)
for bin in build/fuzz/fuzzbin/fuzz_*; do
  t=$(basename "$bin")
  if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$t"; then continue; fi
  dirs=("$seeds/$t"); [ -d "tests/fuzz/regress/$t" ] && dirs+=("tests/fuzz/regress/$t")
  mkdir -p "build/fuzz/crash/$t"
  opts=(-timeout=20 -rss_limit_mb=2048 -artifact_prefix="build/fuzz/crash/$t/")
  # libhdf5 itself asks malloc for absurd sizes on some corrupt files (then
  # fails cleanly on NULL): let ASan return NULL as the real allocator does
  case $t in fuzz_hdf5|fuzz_projector|fuzz_results) export ASAN_OPTIONS=allocator_may_return_null=1 ;;
    *) unset ASAN_OPTIONS ;; esac
  if [ "$mode" = smoke ]; then
    if out=$("$bin" "${opts[@]}" -runs=0 "${dirs[@]}" 2>&1); then ok "$t: seeds"
    else echo "$out" | tail -20; bad "$t" "failed on a seed or regression input"; fi
  else
    fuzz_target "$bin" "$t" "${dirs[@]}"
  fi
done
rm -f /tmp/featlink-fuzz-$$* 2>/dev/null
echo "[  PASSED  ] $pass test(s)."
[ $fail -eq 0 ] || { echo "[  FAILED  ] $fail test(s)"; exit 1; }
