#!/bin/bash
# evq_ab.sh [REV] [ROUNDS]: sim/evq.c of REV (default main) against the
# working tree's, each beside ns-3's PriorityQueue scheduler
# (tests/peers/bench_evq_ns3.cc --pq-only --rounds 1), as two programs run
# alternately ROUNDS times (default 5); prints each round's lines, then per
# row the medians over the rounds: old evq, its PQ, ratio; new evq, its PQ,
# ratio; new / old. Every figure is holds per second of the thread's CPU
# time. Needs libns3-dev (make bench-evq-peers installs it). Not part of
# make test.
set -eu
rev=${1:-main}
rounds=${2:-5}
cd "$(dirname "$0")/../.."
out=build/peers/evq_ab
mkdir -p "$out"
cf="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O3 -march=native -I."
mkdir -p "$out/sim"
git show "$rev:sim/evq.c" > "$out/evq_old.c"
git show "$rev:sim/evq.h" > "$out/sim/evq.h"      # REV's header for REV's code
cc -I"$out" $cf -c "$out/evq_old.c" -o "$out/evq_old.o"
cc $cf -c sim/evq.c -o "$out/evq_new.o"
for v in old new; do
    g++ -std=c++17 -O3 -march=native -I. tests/peers/bench_evq_ns3.cc "$out/evq_$v.o" \
        -o "$out/bench_$v" -lns3-core
done
echo "evq_ab: $rev ($(git rev-parse --short "$rev")) against the working tree, $rounds rounds"
: > "$out/old.txt"
: > "$out/new.txt"
for r in $(seq "$rounds"); do
    for v in old new; do
        "$out/bench_$v" --pq-only --rounds 1 | tee -a "$out/$v.txt" | sed "s/^/$v round $r: /"
    done
done
# rows: "tie-free  n = 1000  featlink evq X  ns-3 PriorityQueue Y  | ..."
awk '
function med(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
FNR == 1 { v = FILENAME ~ /old/ ? "old" : "new" }
/^tie-/ { k = $1 " " $4; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
          e[v, k] = e[v, k] " " $7; p[v, k] = p[v, k] " " $10 }
END {
    printf "%-16s %10s %10s %7s %10s %10s %7s %8s\n", "row", "old evq", "its PQ", "ratio", "new evq", "its PQ", "ratio", "new/old"
    for (i = 1; i <= nk; i++) {
        k = keys[i]
        eo = med(e["old", k]); po = med(p["old", k]); en = med(e["new", k]); pn = med(p["new", k])
        printf "%-16s %10.3g %10.3g %6.2fx %10.3g %10.3g %6.2fx %7.2fx\n", k, eo, po, eo / po, en, pn, en / pn, en / eo
    }
}' "$out/old.txt" "$out/new.txt"
