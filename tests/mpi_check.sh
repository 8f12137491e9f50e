#!/usr/bin/env bash
# MPI variant checks (docs/design-notes.md §8), run by `make mpi-check`, not by `make test`:
#   - `mpirun -n R featlink run` exports exactly the CSV of the single-process
#     run (R = 2, and R = 3 with --jobs 2), for a PINR and a BER scenario;
#   - a bad scenario exits 2 with one featlink message (rank 0 speaks);
#   - a run killed part-way keeps a journal and no results file, and
#     --resume under mpirun completes it to the same CSV.
# Environment: FEATLINK_BIN (serial, default bin/featlink), FEATLINK_MPI_BIN
# (default build/mpi/featlink), MPIRUN (default mpirun, with
# --allow-run-as-root --oversubscribe for Open MPI).
set -u
SER=${FEATLINK_BIN:-bin/featlink}
PAR=${FEATLINK_MPI_BIN:-build/mpi/featlink}
if [ -z "${MPIRUN:-}" ]; then
  MPIRUN=mpirun
  if mpirun --version 2>/dev/null | grep -q "Open MPI"; then
    MPIRUN="mpirun --allow-run-as-root --oversubscribe"
  fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# same_csv NAME A.h5 B.h5 : the exported tables are byte-identical
same_csv() {
  if cmp -s <("$SER" export "$2") <("$SER" export "$3"); then ok "$1"
  else bad "$1"; diff <("$SER" export "$2") <("$SER" export "$3") | head -5; fi
}

for s in pinr_sweep ber_awgn; do
  f=scenarios/$s.json
  "$SER" run "$f" -o "$tmp/$s.h5" --quiet || { bad "$s: serial run"; continue; }
  $MPIRUN -n 2 "$PAR" run "$f" -o "$tmp/$s.n2.h5" --quiet \
    && same_csv "$s: -n 2 == serial" "$tmp/$s.h5" "$tmp/$s.n2.h5" || bad "$s: -n 2 run"
  $MPIRUN -n 3 "$PAR" run "$f" -o "$tmp/$s.n3.h5" --jobs 2 --quiet \
    && same_csv "$s: -n 3 --jobs 2 == serial" "$tmp/$s.h5" "$tmp/$s.n3.h5" || bad "$s: -n 3 --jobs 2 run"
  [ -e "$tmp/$s.n2.h5.journal" ] && bad "$s: journal left after a finished run"
done

# bad input: every rank refuses it, only rank 0 prints
$MPIRUN -n 3 "$PAR" run scenarios/pinr_sweep.json --set codec.f=1.5 -o "$tmp/bad.h5" \
  >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
n=$(grep -c '^featlink' "$tmp/bad.err")
if [ $rc -eq 2 ] && [ "$n" -eq 1 ] && grep -q 'codec.f' "$tmp/bad.err" && [ ! -e "$tmp/bad.h5" ]; then
  ok "bad scenario: exit 2, one message"
else
  bad "bad scenario: exit $rc, $n featlink messages"; cat "$tmp/bad.err"
fi

# a point failing at run time (unreadable projector) on any rank: every rank
# stops, exit 1, rank 0 prints the failure once
head -c 1000 /dev/zero > "$tmp/garbage.proj"
$MPIRUN -n 3 "$PAR" run scenarios/pinr_sweep.json --set metrics.projector="$tmp/garbage.proj" \
  -o "$tmp/fail.h5" --quiet >"$tmp/fail.out" 2>"$tmp/fail.err"
rc=$?
n=$(grep -c '^featlink:.*point [0-9]*:' "$tmp/fail.err")
if [ $rc -eq 1 ] && [ "$n" -eq 1 ] && [ ! -e "$tmp/fail.h5" ]; then
  ok "failing point: exit 1, one message"
else
  bad "failing point: exit $rc, $n point messages"; cat "$tmp/fail.err"
fi

# interrupted run, then --resume
s=pinr_sweep; out=$tmp/kill.h5
$MPIRUN -n 2 "$PAR" run scenarios/$s.json -o "$out" --quiet &
pid=$!
for _ in $(seq 600); do          # until a few points are in the journal (<= 60 s)
  [ -e "$out.journal" ] && [ "$(wc -l <"$out.journal")" -ge 6 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
lines=$(wc -l <"$out.journal" 2>/dev/null || echo 0)
if [ $rc -ne 0 ] && [ ! -e "$out" ] && [ "$lines" -ge 2 ]; then
  ok "killed run: exit $rc, no $s file, journal of $lines lines"
else
  bad "killed run: exit $rc, journal $lines lines, file $( [ -e "$out" ] && echo present || echo absent)"
fi
$MPIRUN -n 2 "$PAR" run scenarios/$s.json -o "$out" --resume --quiet \
  && same_csv "resumed -n 2 == serial" "$tmp/$s.h5" "$out" || bad "resumed run"

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
