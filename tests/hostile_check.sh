#!/usr/bin/env bash
# Hostile inputs through the featlink binary (issue 10, acceptance: "crafted
# results and source HDF5 files, .npy files, scenarios, journals, output
# paths give exit 1 or 2 with a message naming the cause, within 30 s and
# 1 GB of memory, never a signal").
#
# Each case runs under tests/hostile/runlimit (wall-clock limit, peak RSS,
# how it ended) and passes when it ends with exit 1 or 2, its stderr names the
# file (or JSON path) and the cause given, and nothing is left in its output
# folder; cases marked "ok" (a valid but huge scenario) must exit 0 within
# the limits instead. Inputs: every regression file kept for the readers
# (tests/fuzz/regress/), and files made here (npy headers, scenarios,
# journals, traces, output paths). Under SAN=1 the memory limit is 4 GB
# (ASan's shadow memory and quarantine), else 1 GB (FL_HOSTILE_MB to change).
# Prints cmocka-style lines so run_tests.sh counts the cases.
set -u
cd "$(dirname "$0")/.."
bin=${FEATLINK_BIN:-bin/featlink}; build=${FEATLINK_BUILD:-build}
rl=$build/tests/hostile/runlimit
secs=30; mb=1024; case $build in *san*) mb=4096 ;; esac; mb=${FL_HOSTILE_MB:-$mb}
# under ASan, libhdf5's absurd allocation requests on corrupt files get NULL
# as from the real allocator, and its own leaks are suppressed (as in
# tests/fuzz/run.sh)
case $build in *san*)
  export ASAN_OPTIONS=allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}
  export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" ;;
esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { echo "[       OK ] $1"; pass=$((pass + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; fail=$((fail + 1)); }
[ -x "$rl" ] && [ -x "$bin" ] || { bad hostile "no $rl or $bin (make test builds them)"; echo "[  FAILED  ] 1 test(s)"; exit 1; }

# check NAME WANT NEEDLE... -- CMD...: WANT is err (exit 1 or 2, each NEEDLE
# in stderr) or ok (exit 0); the command runs in $tmp/out, which holds only
# the files of $pre (copied in first) and must hold only them afterwards
# unless WANT is ok
pre=()
check() {
  local name=$1 want=$2; shift 2
  local needles=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do needles+=("$1"); shift; done
  shift
  rm -rf "$tmp/out"; mkdir -p "$tmp/out"
  [ ${#pre[@]} -gt 0 ] && cp "${pre[@]}" "$tmp/out/"
  local before; before=$(ls -A "$tmp/out")
  local line rc
  ( cd "$tmp/out" && "$OLDPWD/$rl" $secs $mb "$@" >"$tmp/line" 2>"$tmp/err" ); rc=$?
  line=$(tail -1 "$tmp/line")
  local err; err=$(grep -av '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' "$tmp/err" | head -c 600 | tr '\n' ' ')
  if [ "$want" = ok ]; then
    [ $rc -eq 3 ] && { ok "$name ($line)"; return; }
    bad "$name" "wanted exit 0 within ${secs}s/${mb}MB: $line; $err"; return
  fi
  [ $rc -eq 0 ] || { bad "$name" "$line; $err"; return; }
  case $err in featlink*) ;; *) bad "$name" "message does not start with featlink: $err"; return ;; esac
  local n
  for n in "${needles[@]}"; do
    case $err in *"$n"*) ;; *) bad "$name" "message lacks \"$n\": $err"; return ;; esac
  done
  [ "$(ls -A "$tmp/out")" = "$before" ] || { bad "$name" "left $(ls -A "$tmp/out" | head -3 | tr '\n' ' ')"; return; }
  ok "$name ($line)"
}
case $bin in /*) B=$bin ;; *) B=$PWD/$bin ;; esac
scen() { printf '%s\n' "$2" >"$tmp/$1"; echo "$tmp/$1"; }

# results files: every reader regression input, by export and table
for f in tests/fuzz/regress/fuzz_results/*; do
  for c in export table; do check "$c $(basename "$f")" err "$(basename "$f")" -- "$B" $c "$PWD/$f"; done
done
printf 'not hdf5\n' >"$tmp/text.h5"; : >"$tmp/empty.h5"
for f in text.h5 empty.h5 missing.h5; do check "export $f" err "$f" -- "$B" export "$tmp/$f"; done
check "export a directory" err "$tmp" -- "$B" export "$tmp"

# HDF5 sources and projector weights: every regression input
for f in tests/fuzz/regress/fuzz_hdf5/*; do
  s=$(scen s.json "{\"source\": {\"kind\": \"hdf5\", \"path\": \"$PWD/$f\"}}")
  check "source $(basename "$f")" err '$.source.path' "$(basename "$f")" -- "$B" run "$s" -o x.h5
done
for f in tests/fuzz/regress/fuzz_projector/*; do
  s=$(scen p.json "{\"metrics\": {\"projector\": \"$PWD/$f\"}}")
  check "projector $(basename "$f")" err '$.metrics.projector' "$(basename "$f")" -- "$B" run "$s" -o x.h5
done

# .npy sources made here: 100 bytes declaring 2^28 floats, big-endian with a
# decoy, truncated data, an overflowing shape, a wrong magic, an empty file
npy() { # name descr shape datalen [magic]
  local d="{'descr': '$2', 'fortran_order': False, 'shape': $3, }" h
  h=$(( (10 + ${#d} + 1 + 63) / 64 * 64 )); local pad=$(( h - 10 - ${#d} - 1 ))
  { printf '%b' "${5:-\x93NUMPY}"; printf '\x01\x00'
    printf "\\x$(printf %02x $(( (h - 10) & 255 )))\\x$(printf %02x $(( (h - 10) >> 8 )))"
    printf '%s' "$d"; printf "%${pad}s" ''; printf '\n'; head -c "$4" /dev/zero; } >"$tmp/$1"
}
npy huge.npy '<f4' '(16384, 16384)' 30
npy bigendian.npy ">f4', 'x': '<f4" '(2, 2)' 16
npy short.npy '<f4' '(4, 4)' 63
npy overflow.npy '<f4' '(99999999999999999999999, 2)' 16
npy magic.npy '<f4' '(2, 2)' 16 'XNUMPY'
: >"$tmp/empty.npy"
for f in huge.npy bigendian.npy short.npy overflow.npy magic.npy empty.npy; do
  s=$(scen n.json "{\"source\": {\"kind\": \"npy\", \"path\": \"$tmp/$f\"}}")
  check "npy $f" err '$.source.path' "$f" -- "$B" run "$s" -o x.h5
done

# scenarios: hostile texts through validate and run
hs() { scen "$1" "$2" >/dev/null; }
hs dup_zip.json '{"sweep": {"zip": {"channel.snr_db": [0, 1]}, "zip": {"codec.f": [0.1]}}}'
hs dotted.json '{"codec.f": 0.5}'
hs nan.json '{"channel": {"snr_db": NaN}}'
hs huge_num.json '{"channel": {"snr_db": 1e400}}'
hs big_int.json '{"trials": 4294967296}'
hs garbage.json "$(head -c 300 /dev/urandom | tr -d '\000')"
hs unknown.json '{"channel": {"snr": 3}}'
hs trailing.json '{"trials": 1} {"trials": 2}'
printf '%*s' 100000 '' | tr ' ' '[' >"$tmp/deep.json"
: >"$tmp/empty.json"
for f in dup_zip.json dotted.json nan.json huge_num.json big_int.json garbage.json unknown.json trailing.json deep.json empty.json; do
  check "validate $f" err "$f" -- "$B" validate "$tmp/$f"
  check "run $f" err "$f" -- "$B" run "$tmp/$f" -o x.h5
done
check "validate a directory" err "$tmp" -- "$B" validate "$tmp"
# device groups: too many, too many devices or frames over all groups, a bad index
hs groups_many.json '{"system": {"groups": ['"$(printf '{},%.0s' $(seq 1 100000))"'{}]}}'
hs groups_devices.json '{"system": {"groups": ['"$(printf '{"devices": 1048576},%.0s' 1 2 3)"'{"devices": 1}]}}'
hs groups_frames.json '{"system": {"duration_s": 9e6, "groups": [{"devices": 1048576, "frame_rate_hz": 1e6}]}}'
check "validate groups_many.json" err 'system.groups' 'must be an array of 1 to 8 objects' -- "$B" validate "$tmp/groups_many.json"
check "run groups_devices.json" err 'system.groups' 'at most 1048576 devices' -- "$B" run "$tmp/groups_devices.json" -o x.h5
check "run groups_frames.json" err 'in system.groups[0]' 'at most 1e9 frames' -- "$B" run "$tmp/groups_frames.json" -o x.h5
check "run --set a group index past 2^64" err 'system.groups[N].MEMBER' -- "$B" run "$tmp/groups_frames.json" --set 'system.groups[99999999999999999999].devices=1' -o x.h5
check "run --set out of range" err 'channel.ebn0_db' -- "$B" run "$PWD/scenarios/ber_awgn.json" --set channel.ebn0_db=1e999 -o x.h5
check "run --set unknown key" err 'no.such' -- "$B" run "$PWD/scenarios/ber_awgn.json" --set no.such.key=1 -o x.h5
check "run --set no value" err 'codec.f' -- "$B" run "$PWD/scenarios/ber_awgn.json" --set codec.f -o x.h5
# a small file that expands to 1e7 points (1e6 under the sanitizers, which
# run 3-5x slower) validates in linear time, within the limits
step=0.001; case $build in *san*) step=0.01 ;; esac
hs grid.json '{"codec": {"select": "pinr"}, "sweep": {"grid": {"channel.snr_db": ['"$(seq -s, 0 0.01 99.99)"'], "codec.f": ['"$(seq -s, 0 $step 0.999)"']}}}'
check "validate a $(( $(seq 0 $step 0.999 | wc -l) * 10000 ))-point grid" ok -- "$B" validate "$tmp/grid.json"

# journals: --resume over a journal that is not featlink's, one of another
# scenario (point lines of this scenario that do not parse are skipped and
# their points run again: tests/fuzz/fuzz_journal checks that reader)
j=scenarios/ber_awgn.json
for k in garbage other; do
  case $k in garbage) printf '\x00\xff{{{\n' ;; other) printf '{"scenario":"another"}\n' ;; esac >"$tmp/j_$k"
  cause="belongs to a different scenario"; [ $k = garbage ] && cause="is not a featlink journal"
  cp "$tmp/j_$k" "$tmp/x.h5.journal"; pre=("$tmp/x.h5.journal")
  check "resume journal $k" err 'x.h5.journal' "$cause" -- "$B" run "$PWD/$j" -o x.h5 --resume
  pre=()
done

# output paths: under a file, an existing directory, /proc
check "-o under a file" err "$tmp/text.h5" -- "$B" run "$PWD/$j" -o "$tmp/text.h5/x.h5"
mkdir -p "$tmp/isdir.h5"
check "-o an existing directory" err "is a directory" -- "$B" run "$PWD/$j" -o "$tmp/isdir.h5"
check "-o under /proc" err "/proc/featlink.h5" -- "$B" run "$PWD/$j" -o /proc/featlink.h5

# trace files
for k in unsorted negative nan garbage; do
  case $k in unsorted) printf '0 2.0\n0 1.0\n' ;; negative) printf '0 -1\n' ;;
    nan) printf '0 nan\n' ;; garbage) head -c 200 /dev/urandom ;; esac >"$tmp/t_$k.txt"
  s=$(scen t.json "{\"system\": {\"devices\": 1, \"arrival\": \"trace\", \"trace_file\": \"$tmp/t_$k.txt\"}}")
  check "trace $k" err "t_$k.txt" -- "$B" run "$s" -o x.h5
done

# libhdf5 crashing inside the parse of a file (tests/hostile/h5fault_shim.c,
# preloaded: H5Fopen faults): exit 1 naming the file and the signal, nothing
# left behind, for results files (export, table), sources and projector
# weights (run). Release build only: under the sanitizers featlink keeps
# their handlers, and ASan refuses a preloaded library. A fault outside any
# parse (SIGSEGV sent to a validate) keeps its signal: bugs are not hidden.
shim=$build/tests/hostile/h5fault.so
case $build in *san*) ;; *)
  if [ ! -f "$shim" ]; then bad "libhdf5 faults" "no $shim (make test builds it)"; else
    S=$PWD/$shim
    "$B" run "$PWD/scenarios/ber_awgn.json" -o "$tmp/good.h5" --quiet >/dev/null 2>&1 || bad "libhdf5 faults" "cannot make a results file"
    for how in segv bus abort; do
      case $how in segv) sig=SIGSEGV ;; bus) sig=SIGBUS ;; abort) sig=SIGABRT ;; esac
      check "export, libhdf5 $sig" err good.h5 "libhdf5 crashed ($sig)" -- env LD_PRELOAD="$S" FL_H5FAULT=$how "$B" export "$tmp/good.h5"
    done
    check "table, libhdf5 SIGSEGV" err good.h5 "libhdf5 crashed" -- env LD_PRELOAD="$S" FL_H5FAULT=segv "$B" table "$tmp/good.h5"
    s=$(scen f.json "{\"source\": {\"kind\": \"hdf5\", \"path\": \"$tmp/good.h5\"}}")
    check "run, source, libhdf5 SIGSEGV" err good.h5 "libhdf5 crashed" -- env LD_PRELOAD="$S" FL_H5FAULT=segv "$B" run "$s" -o x.h5
    s=$(scen f.json "{\"metrics\": {\"projector\": \"$tmp/good.h5\"}}")
    check "run, projector, libhdf5 SIGABRT" err good.h5 "libhdf5 crashed (SIGABRT)" -- env LD_PRELOAD="$S" FL_H5FAULT=abort "$B" run "$s" -o x.h5
    # the control: the shim without FL_H5FAULT changes nothing
    if env LD_PRELOAD="$S" "$B" export "$tmp/good.h5" >/dev/null 2>&1; then ok "export through the shim, no fault"
    else bad "export through the shim, no fault" "exit $?"; fi
    # the kept libhdf5 crash inputs (tests/fuzz/libhdf5-crash/): an exit
    # status, never a signal (exit 0 is allowed: libhdf5 reads past a buffer
    # without faulting and featlink may accept what it read)
    for f in tests/fuzz/libhdf5-crash/*/*; do
      case $f in *.md) continue ;; esac
      "$B" export "$PWD/$f" >/dev/null 2>&1; rc=$?
      if [ $rc -lt 128 ]; then ok "export kept libhdf5 crash $(basename "$f") (exit $rc)"
      else bad "export kept libhdf5 crash $(basename "$f")" "status $rc"; fi
    done
    # a fault outside a parse is a bug and keeps its signal (exit 128 + 11)
    "$B" validate "$tmp/grid.json" >/dev/null 2>&1 & vp=$!; sleep 1; kill -SEGV $vp 2>/dev/null; wait $vp; rc=$?
    if [ $rc -eq 139 ]; then ok "SIGSEGV outside a parse kept (status $rc)"; else bad "SIGSEGV outside a parse kept" "status $rc"; fi
  fi ;;
esac

echo "[  PASSED  ] $pass test(s)."
[ $fail -eq 0 ] || { echo "[  FAILED  ] $fail test(s)"; exit 1; }
