#!/usr/bin/env bash
# compare_points.sh OLD_BIN NEW_BIN [TOL]
#
# Runs every shipped scenario (scenarios/*.json) with two featlink binaries
# and compares their /points tables (featlink export --format csv) column
# by column: a column is "exact" when every value is bit-identical as
# printed (NaN = NaN), "close" when the largest relative difference is
# <= TOL (default 1e-12), else "DIFF". Columns only one side has are listed
# as added / removed. BER scenarios run with stop.max_bits=200000 to stay
# fast (the comparison does not depend on the stopping rule). Extra
# variants beyond the shipped files (digital links, several trials) are
# listed in VARIANTS below. Exit 0 when no column is DIFF.
#
# Expected differences are named with KNOWN="col1 col2 ..." for every
# variant (reported, not counted as failures), e.g. KNOWN=proxy_f1_sem
# (0 -> NaN at one trial), or per variant in its fourth field.
set -u
old=$1 new=$2 tol=${3:-1e-12}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/featlink-compare-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0

# name | scenario | --set overrides (space separated) | columns expected to differ
VARIANTS=(
  "ber_awgn|ber_awgn|stop.max_bits=200000"
  "ber_coded|ber_coded|stop.max_bits=200000"
  "ber_rayleigh|ber_rayleigh|stop.max_bits=200000"
  "pinr_fig2_fig3|pinr_fig2_fig3|"
  "pinr_sweep|pinr_sweep|"
  "pinr_table1|pinr_table1|"
  "tofc_lambda_sweep|tofc_lambda_sweep|"
  "pinr_table1_trials3|pinr_table1|trials=3"
  "pinr_table1_digital|pinr_table1|link.mode=digital source.tokens=64 source.dims=64 channel.snr_db=8 modem.scheme=qpsk link.packet_bytes=256 trials=2"
  "pinr_fig2_analog_trials2|pinr_fig2_fig3|trials=2 source.tokens=64 source.dims=128"
  "tofc_digital|tofc_lambda_sweep|link.mode=digital source.patches=1 source.tokens=64 source.dims=64 channel.snr_db=12 link.packet_bytes=1500 trials=2"
  "tofc_trials2|tofc_lambda_sweep|trials=2 source.patches=1 source.tokens=128 source.dims=64"
  "pinr_digital_same_snr|pinr_table1|link.mode=digital source.tokens=64 source.dims=64 channel.snr_db=8 modem.scheme=qpsk link.packet_bytes=256 metrics.reference=same_snr trials=2"
  "pinr_digital_jakes|pinr_table1|link.mode=digital source.tokens=64 source.dims=64 modem.scheme=qpsk link.packet_bytes=256 channel.kind=rayleigh channel.fading=jakes channel.doppler_hz=50 metrics.reference=same_snr"
  "tofc_digital_jakes|tofc_lambda_sweep|link.mode=digital source.patches=1 source.tokens=64 source.dims=64 channel.snr_db=20 channel.kind=rayleigh channel.fading=jakes channel.doppler_hz=50 link.packet_bytes=1500"
  "tofc_digital_same_snr|tofc_lambda_sweep|link.mode=digital source.patches=1 source.tokens=64 source.dims=64 channel.snr_db=12 modem.scheme=qpsk link.packet_bytes=200 metrics.reference=same_snr|cosine nmse feature_snr_db proxy_precision proxy_recall proxy_f1 cka ref_proxy_f1"
)

# a shipped scenario not listed above runs with its own settings
for f in "$root"/scenarios/*.json; do
  n=$(basename "$f" .json)
  printf '%s\n' "${VARIANTS[@]}" | grep -q "^$n|" || VARIANTS+=("$n|$n|")
done

run_one() { # bin out scenario sets...
  local bin=$1 out=$2 scn=$3; shift 3
  local args=()
  for s in "$@"; do args+=(--set "$s"); done
  "$bin" run "$root/scenarios/$scn.json" -o "$out.h5" --quiet --force "${args[@]}" >"$out.log" 2>&1 &&
    "$bin" export "$out.h5" --format csv >"$out.csv" 2>>"$out.log"
}

for v in "${VARIANTS[@]}"; do
  IFS='|' read -r name scn sets known <<<"$v"
  # shellcheck disable=SC2086
  if ! run_one "$old" "$work/old_$name" "$scn" $sets; then
    # a scenario with keys the old binary does not know is new, not a change
    if grep -q 'unknown key' "$work/old_$name.log"; then
      echo "$name: new scenario (the old binary does not know its keys): not compared"; continue
    fi
    echo "$name: old binary failed: $(tail -1 "$work/old_$name.log")"; fail=1; continue
  fi
  # shellcheck disable=SC2086
  if ! run_one "$new" "$work/new_$name" "$scn" $sets; then
    echo "$name: new binary failed: $(tail -1 "$work/new_$name.log")"; fail=1; continue
  fi
  python3 - "$name" "$work/old_$name.csv" "$work/new_$name.csv" "$tol" "${KNOWN:-} ${known:-}" <<'PY' || fail=1
import csv, math, sys
name, fo, fn, tol, known = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), set(sys.argv[5].split())
def load(f):
    rows = list(csv.reader(open(f)))
    return rows[0], rows[1:]
ho, ro = load(fo); hn, rn = load(fn)
if len(ro) != len(rn):
    print(f"{name}: {len(ro)} points old, {len(rn)} new: DIFF"); sys.exit(1)
def num(s):
    try: return float(s)
    except ValueError: return None
exact = close = 0; bad = []; worst = 0.0; kn = []
for c in ho:
    if c not in hn: continue
    i, j = ho.index(c), hn.index(c)
    same = all(a[i] == b[j] for a, b in zip(ro, rn))
    if same: exact += 1; continue
    rel = 0.0; ok = True
    for a, b in zip(ro, rn):
        x, y = num(a[i]), num(b[j])
        if x is None or y is None:
            ok = ok and a[i] == b[j]; continue
        if math.isnan(x) and math.isnan(y): continue
        if x == y: continue
        if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y): ok = False; continue
        rel = max(rel, abs(x - y) / max(abs(x), abs(y)))
    if c in known: kn.append(c); continue
    if ok and rel <= tol: close += 1; worst = max(worst, rel)
    else: bad.append(f"{c} (rel {rel:.3g})" if ok else c)
added = [c for c in hn if c not in ho]; removed = [c for c in ho if c not in hn]
print(f"{name}: {len(ro)} points, {exact} columns exact, {close} close (max rel {worst:.3g})"
      + (f", known {' '.join(kn)}" if kn else "")
      + (f", DIFF {' '.join(bad)}" if bad else "")
      + (f"; added {' '.join(added)}" if added else "")
      + (f"; removed {' '.join(removed)}" if removed else ""))
sys.exit(1 if bad or removed else 0)
PY
done
exit $fail
