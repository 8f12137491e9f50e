#!/usr/bin/env bash
# bench_tofc_ab.sh OLD_TREE [ROUNDS]
#
# TOFC encode + decode per frame before and after the build-once entropy
# tables (issue 8, acceptance bullet 5), in one run. Builds
# tests/bench_tofc_frame.c twice: against this tree's build/libfeatlink.a
# (run `make` first), and with -DBENCH_TOFC_PRE_RENAME against the headers
# and build/libfeatlink.a of OLD_TREE, a built tree of commit 4c04ca4 (from
# before the fl_ rename and the build-once tables). Runs the two binaries in
# alternating rounds (ROUNDS, default 7, at least 5; each round codes 5
# frames per case and path and reports their median thread CPU time), then
# prints per case and path the median over rounds of encode, decode and
# encode + decode, and the ratio old / new of this same run. CPU model and
# load come first (bench_info.h) and the load again at the end.
set -eu
old=$1 rounds=${2:-7}
[ "$rounds" -ge 5 ] || { echo "bench_tofc_ab: at least 5 rounds" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/featlink-tofc-ab-XXXXXX)
trap 'rm -rf "$work"' EXIT
# the flags and libraries of the Makefile's build (Debian 12 paths)
CF="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O3 -ffp-contract=off -march=native -fopenmp"
LIBS="-lgsl -lm -lfftw3 -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -lcjson
      -L/usr/lib/x86_64-linux-gnu/openblas-pthread/ -lopenblas -lm -fopenmp"
# shellcheck disable=SC2086
cc $CF -I"$root" "$root/tests/bench_tofc_frame.c" "$root/build/libfeatlink.a" $LIBS -o "$work/new"
# shellcheck disable=SC2086
cc $CF -DBENCH_TOFC_PRE_RENAME -I"$old" "$root/tests/bench_tofc_frame.c" "$old/build/libfeatlink.a" $LIBS \
  -o "$work/old"
"$work/new" | sed -n 1,2p
for r in $(seq 1 "$rounds"); do
  "$work/old" | grep '^case' | sed 's/^case /old /' >>"$work/all"
  "$work/new" | grep '^case' | sed 's/^case /new /' >>"$work/all"
done
python3 - "$work/all" "$rounds" <<'PY'
import sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    w = line.split()
    key = (w[1], w[0], w[2])  # case, build, path
    d = dict(zip(w[3::2], map(float, w[4::2])))
    rows.setdefault(key, []).append(d)
med = {k: {m: st.median(r[m] for r in v) for m in ("encode_ms", "decode_ms", "frame_ms")} for k, v in rows.items()}
print(f"medians over {sys.argv[2]} alternating rounds (each the median of 5 frames), thread CPU ms per frame\n")
print("| case | build | path | encode ms | decode ms | encode + decode ms | old / this |")
print("|---|---|---|---:|---:|---:|---:|")
for case in ("merge", "plain"):
    base = med[(case, "old", "per_call")]["frame_ms"]
    for build, path in (("old", "per_call"), ("new", "per_call"), ("new", "once")):
        m = med[(case, build, path)]
        print(f"| {case} | {'4c04ca4' if build == 'old' else 'this tree'} | "
              f"{'tables per call' if path == 'per_call' else 'tables once'} | {m['encode_ms']:.2f} | "
              f"{m['decode_ms']:.2f} | {m['frame_ms']:.2f} | {base / m['frame_ms']:.2f}x |")
PY
echo; echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
