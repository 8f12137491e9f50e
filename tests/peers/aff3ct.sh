#!/usr/bin/env bash
# tests/peers/aff3ct.sh: featlink's uncoded bits-in -> bits-out loop
# (build/tests/bench_channel --links) against AFF3CT 3.0.2 in the same run,
# rounds alternating featlink / AFF3CT, medians of ROUNDS (>= 5) rounds, both
# timed in CPU time (the machine is shared: wall time counts the waits for a
# core). Cases: BPSK and 16-QAM over AWGN and Rayleigh fast fading, hard
# decision, Es/N0 10 dB, the same number of bits per round on both sides.
# Not part of make test (AFF3CT is not a Debian package).
#
# Building AFF3CT (Debian 12, gcc 12, cmake; about 20 min on 2 cores):
#   git clone --recursive --branch v3.0.2 https://github.com/aff3ct/aff3ct.git
#   (or any copy of the v3.0.2 source tree with its lib/ submodules: MIPP,
#   cli, rang, date, cpptrace; then there is no .git and the version must be
#   given: -DAFF3CT_OVERRIDE_VERSION=v3.0.2)
#   cmake -S aff3ct -B aff3ct/build -DCMAKE_BUILD_TYPE=Release \
#         -DCMAKE_CXX_FLAGS="-march=native -funroll-loops" \
#         -DAFF3CT_COMPILE_EXE=ON -DAFF3CT_OVERRIDE_VERSION=v3.0.2
#   cmake --build aff3ct/build -j2
#   -> aff3ct/build/bin/aff3ct (a wrapper script around bin/aff3ct-3.0.2)
# AFF3CT_BUILD=1 with AFF3CT_SRC set runs those two cmake steps here.
#
# Environment:
#   AFF3CT_BIN  the aff3ct executable (default $AFF3CT_SRC/build/bin/aff3ct)
#   AFF3CT_SRC  the AFF3CT v3.0.2 source tree (only to find or build the binary)
#   FEATLINK_BUILD  featlink's build folder (default build)
#   ROUNDS      rounds (default 5, at least 5)
#
# AFF3CT's fastest configuration for these cases: one thread (-t 1, like
# featlink's loop), a random source, uncoded with hard decisions
# (--dec-implem HARD_DECISION), 8192-bit frames (a sweep of 1024 / 8192 /
# 65536 here: 8192 fastest), and per case the fastest of its modem / channel
# implementations, chosen at the start of every run by one timed try of each
# candidate below (the FAST modem exists for AWGN only: its Rayleigh
# demodulator is "Unimplemented"; STD implementations were 3-6x slower in a
# first sweep and are left out). AFF3CT's CPU time is its process's user + sys time
# less that of a 1-frame run of the same configuration (start-up and parsing).
# Exit 0 with a message when AFF3CT is absent.
set -euo pipefail
cd "$(dirname "$0")/../.."

SRC=${AFF3CT_SRC:-}
BIN=${AFF3CT_BIN:-${SRC:+$SRC/build/bin/aff3ct}}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    if [ "${AFF3CT_BUILD:-0}" = 1 ] && [ -n "$SRC" ] && [ -f "$SRC/CMakeLists.txt" ]; then
        cmake -S "$SRC" -B "$SRC/build" -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_CXX_FLAGS="-march=native -funroll-loops" \
            -DAFF3CT_COMPILE_EXE=ON -DAFF3CT_OVERRIDE_VERSION=v3.0.2
        cmake --build "$SRC/build" -j2
        BIN=$SRC/build/bin/aff3ct
    else
        echo "aff3ct.sh: AFF3CT not found (AFF3CT_BIN='${AFF3CT_BIN:-}', AFF3CT_SRC='$SRC'): skipped"
        echo "  (set AFF3CT_BIN to an aff3ct executable, or AFF3CT_SRC to its v3.0.2 source with AFF3CT_BUILD=1)"
        exit 0
    fi
fi
ROUNDS=${ROUNDS:-5}
if ! [ "$ROUNDS" -ge 5 ] 2>/dev/null; then
    echo "aff3ct.sh: ROUNDS must be an integer >= 5 (got '$ROUNDS')" >&2
    exit 2
fi
FB=${FEATLINK_BUILD:-build}
FL=$FB/tests/bench_channel
if [ ! -x "$FL" ]; then
    make --no-print-directory FL_STAGE=build "$FL" >/dev/null
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

names=("BPSK   / AWGN" "BPSK   / Rayleigh" "16-QAM / AWGN" "16-QAM / Rayleigh")
chan=("AWGN" "RAYLEIGH" "AWGN" "RAYLEIGH")
mdm=("--mdm-type BPSK" "--mdm-type BPSK" "--mdm-type QAM --mdm-bps 4" "--mdm-type QAM --mdm-bps 4")
# bits per round = bench_channel's: 400 (BPSK/AWGN) or 150 frames of 65536 bits
K=8192
fra=(3200 1200 1200 1200)
cand_awgn=("--chn-implem FAST --mdm-implem FAST --src-implem FAST"
           "--chn-implem FAST --mdm-implem FAST --src-implem FAST --mdm-max MAXL"
           "--chn-implem FAST --mdm-implem FAST --src-implem FAST --mdm-max MAX")
cand_ray=("--chn-implem FAST --src-implem FAST"
          "--chn-implem FAST --src-implem FAST --mdm-max MAXL"
          "--chn-implem FAST --src-implem FAST --mdm-max MAX")

# aff_run CASE FRAMES OPTS: prints "<cpu seconds> <BER>"
aff_run() {
    local i=$1 n=$2
    shift 2
    # shellcheck disable=SC2086
    /usr/bin/time -f "%U %S" -o "$TMP/t" "$BIN" -C UNCODED -K $K -m 10 -M 10.01 -E ESN0 \
        --chn-type "${chan[$i]}" ${mdm[$i]} --dec-implem HARD_DECISION -t 1 \
        --sim-max-fra "$n" -e 1000000000 --ter-freq 0 "$@" >"$TMP/o" 2>&1 || true
    local ber
    ber=$(awk -F'|' '/^ +[0-9]/ {gsub(/ /, "", $7); print $7}' "$TMP/o" | tail -1)
    if grep -q '(EE)' "$TMP/o" || [ -z "$ber" ]; then
        echo "fail -"
        return
    fi
    echo "$(awk '{print $1 + $2}' "$TMP/t") $ber"
}

# aff_rate CASE OPTS: Mbit/s in CPU time (run less its 1-frame start-up)
aff_rate() {
    local i=$1
    shift
    local full one ber
    read -r full ber <<<"$(aff_run "$i" "${fra[$i]}" "$@")"
    [ "$full" = fail ] && { echo "fail -"; return; }
    read -r one _ <<<"$(aff_run "$i" 1 "$@")"
    awk -v a="$full" -v b="$one" -v n="${fra[$i]}" -v k=$K -v e="$ber" \
        'BEGIN { d = a - b; if (d <= 0) d = a; printf "%.1f %s\n", (n - 1) * k / d / 1e6, e }'
}

median() { sort -g | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "aff3ct.sh: featlink bench_channel --links vs AFF3CT ($({ "$BIN" -v 2>&1 || true; } | grep -o 'v[0-9][0-9.]*' | head -1))"
echo "CPU: $cpu, $(nproc) online cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "uncoded, hard decision, Es/N0 10 dB, $ROUNDS rounds alternating, medians, CPU time"
echo

best=()
for i in 0 1 2 3; do
    if [ "${chan[$i]}" = AWGN ]; then cands=("${cand_awgn[@]}"); else cands=("${cand_ray[@]}"); fi
    bopt="" brate=0
    for c in "${cands[@]}"; do
        read -r r _ <<<"$(aff_rate "$i" $c)"
        [ "$r" = fail ] && continue
        if awk -v a="$r" -v b="$brate" 'BEGIN { exit !(a > b) }'; then bopt=$c brate=$r; fi
    done
    if [ -z "$bopt" ]; then
        echo "aff3ct.sh: no AFF3CT configuration ran for ${names[$i]} (see $BIN)" >&2
        exit 1
    fi
    best[$i]=$bopt
    echo "AFF3CT fastest for ${names[$i]}: $bopt ($brate Mbit/s in the try)"
done
echo

for ((r = 0; r < ROUNDS; r++)); do
    "$FL" --links >"$TMP/fl.$r"
    for i in 0 1 2 3; do
        # shellcheck disable=SC2086
        aff_rate "$i" ${best[$i]} >"$TMP/af.$i.$r"
    done
done

printf "  %-18s %14s %14s %8s %12s %12s\n" case "featlink Mb/s" "AFF3CT Mb/s" ratio "featlink BER" "AFF3CT BER"
for i in 0 1 2 3; do
    f=$(cat "$TMP"/fl.* | awk -v i=$i '$2 == i {print $3}' | median)
    a=$(cat "$TMP"/af.$i.* | awk '{print $1}' | median)
    fe=$(awk -v i=$i '$2 == i {print $4}' "$TMP/fl.0")
    fbits=$((fra[i] * K))
    ab=$(awk '{print $2}' "$TMP/af.$i.0")
    awk -v n="${names[$i]}" -v f="$f" -v a="$a" -v fe="$fe" -v fb="$fbits" -v ab="$ab" \
        'BEGIN { printf "  %-18s %14.1f %14.1f %7.2fx %12.3g %12s\n", n, f, a, f / a, fe / fb, ab }'
done
echo "ratio = featlink / AFF3CT, both medians of this run; featlink BER from round 1"
