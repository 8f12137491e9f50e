# plots/lib.sh: helpers shared by plots/make_plots.sh and plots/extra_*.sh
# (sourced, not run). Needs only bash, coreutils, awk (POSIX: mawk is
# enough), gnuplot and the featlink binary itself.
#
#   results NAME SCENARIO [KEY=VALUE]...
#       Makes sure $DATA/NAME.h5 holds SCENARIO run with those --set
#       overrides by the current binary, and $DATA/NAME.csv its export.
#       Beside each results file a stamp, $DATA/NAME.stamp, keeps what made
#       it: the binary's --version line, the binary's SHA-256, the
#       scenario's SHA-256 and the exact command line. The scenario is run
#       again (with --force) when the results file or its stamp is missing,
#       when the scenario file is newer than the results, when the results
#       file is newer than its stamp (written by something else), or when
#       any line of the stamp differs; otherwise the results are reused.
#       Prints one line, "reused NAME" or "rerun  NAME (why, seconds)".
#   csv_uniq FILE COLUMN      distinct values of COLUMN, first-seen order
#   csv_get FILE COLUMN       COLUMN of the first data row
#   csv_min FILE COLUMN [WHERE_COLUMN WHERE_VALUE]   smallest positive value
#   csv_max FILE COLUMN       largest value
#   json_get FILE KEY [DEFAULT]  scalar at dotted KEY of a scenario file
#       (nested objects; a key written with dots, such as "codec.f", also
#       matches), DEFAULT when absent
#   log_floor X               10^floor(log10 X) (for log-axis ranges)
#   gp ARGS...                gnuplot ARGS, without its warnings about a
#       curve with no point (a curve selection that is empty for this data)

: "${BIN:=bin/featlink}" "${OUT:=results/plots}"
DATA="$OUT/data"
: "${JOBS:=$(nproc 2>/dev/null || echo 2)}"
mkdir -p "$DATA"

_sha() { sha256sum < "$1" | cut -d' ' -f1; }

if [ -z "${FEATLINK_VERSION_LINE:-}" ]; then
  FEATLINK_VERSION_LINE=$("$BIN" --version)
  FEATLINK_BIN_SHA=$(_sha "$BIN")
  export FEATLINK_VERSION_LINE FEATLINK_BIN_SHA
fi

results() {
  local name=$1 scn=$2
  shift 2
  local h5="$DATA/$name.h5" stamp="$DATA/$name.stamp" csv="$DATA/$name.csv"
  local sets=() a
  for a in "$@"; do sets+=(--set "$a"); done
  local cmd="featlink run $scn -o $h5"
  for a in "$@"; do cmd+=" --set $(printf '%q' "$a")"; done
  local want
  want=$(printf '%s\nbinary sha256 %s\nscenario sha256 %s\ncommand %s' \
    "$FEATLINK_VERSION_LINE" "$FEATLINK_BIN_SHA" "$(_sha "$scn")" "$cmd")
  local why=""
  if [ ! -f "$h5" ]; then
    why="no results file"
  elif [ ! -f "$stamp" ]; then
    why="no stamp"
  elif [ "$scn" -nt "$h5" ]; then
    why="scenario newer than results"
  elif [ "$h5" -nt "$stamp" ]; then
    why="results newer than their stamp"
  else
    local have
    have=$(cat "$stamp")
    if [ "$have" != "$want" ]; then
      local l1 l2
      l1=$(sed -n 1p <<<"$have")
      if [ "$l1" != "$FEATLINK_VERSION_LINE" ]; then
        why="was $l1"
      elif [ "$(sed -n 2p <<<"$have")" != "$(sed -n 2p <<<"$want")" ]; then
        why="binary rebuilt"
      elif [ "$(sed -n 3p <<<"$have")" != "$(sed -n 3p <<<"$want")" ]; then
        why="scenario text changed"
      else
        why="command line changed"
      fi
    fi
  fi
  if [ -n "$why" ]; then
    rm -f "$stamp"
    local t0 t1
    t0=$(date +%s%N)
    if ! "$BIN" run "$scn" -o "$h5" --quiet --force --jobs "$JOBS" "${sets[@]}"; then
      echo "plots: $cmd failed" >&2
      return 1
    fi
    t1=$(date +%s%N)
    printf '%s\n' "$want" > "$stamp"
    "$BIN" export "$h5" --format csv > "$csv.tmp" && mv "$csv.tmp" "$csv"
    printf 'rerun  %-22s (%s; %s s)\n' "$name" "$why" \
      "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
  else
    if [ ! -f "$csv" ] || [ "$h5" -nt "$csv" ]; then
      "$BIN" export "$h5" --format csv > "$csv.tmp" && mv "$csv.tmp" "$csv"
    fi
    printf 'reused %s\n' "$name"
  fi
}

# awk program head: finds column c (by name) of a CSV with a header row
_AWK_COL='NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i
                    if (!k) { print "plots: no column " c " in " FILENAME > "/dev/stderr"; bad = 1; exit 1 }
                    next }'

csv_uniq() {
  awk -F, -v c="$2" "$_AWK_COL"'
    !seen[$k]++ { printf "%s%s", (n++ ? " " : ""), $k }
    END { if (!bad) print "" }' "$1"
}

csv_get() {
  awk -F, -v c="$2" "$_AWK_COL"'{ print $k; exit }' "$1"
}

csv_min() {
  awk -F, -v c="$2" -v wc="${3:-}" -v wv="${4:-}" '
    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == c) k = i; if ($i == wc) w = i }
              if (!k || (wc != "" && !w)) {
                print "plots: no column " c " " wc " in " FILENAME > "/dev/stderr"; bad = 1; exit 1 }
              next }
    (wc == "" || $w == wv) && $k + 0 > 0 && (m == "" || $k + 0 < m) { m = $k + 0 }
    END { if (!bad) print m }' "$1"
}

csv_max() {
  awk -F, -v c="$2" "$_AWK_COL"'
    m == "" || $k + 0 > m { m = $k + 0 }
    END { if (!bad) print m }' "$1"
}

gp() {
  local err
  if ! err=$(gnuplot "$@" 2>&1); then
    printf '%s\n' "$err" >&2
    return 1
  fi
  [ -z "$err" ] || grep -v 'Skipping data file with no valid points' <<<"$err" >&2 || true
}

log_floor() {
  awk -v x="$1" 'BEGIN { e = log(x) / log(10); f = int(e); if (f > e) f--; printf "1e%d\n", f }'
}

json_get() {
  awk -v want="$2" -v dflt="${3:-}" 'BEGIN { RS = "\001" } { s = s $0 }
  END {
    n = length(s); i = 1; dep = 0; found = 0
    while (i <= n) {
      ch = substr(s, i, 1)
      if (ch == "{") { dep++; typ[dep] = "o"; isk[dep] = 1; key[dep] = ""; i++; continue }
      if (ch == "[") { dep++; typ[dep] = "a"; key[dep] = 0; i++; continue }
      if (ch == "}" || ch == "]") { dep--; i++; continue }
      if (ch == ",") { if (typ[dep] == "o") isk[dep] = 1; else key[dep]++; i++; continue }
      if (ch == ":") { isk[dep] = 0; i++; continue }
      if (ch == " " || ch == "\t" || ch == "\r" || ch == "\n") { i++; continue }
      if (ch == "\"") {
        j = i + 1; v = ""
        while (j <= n) {
          d = substr(s, j, 1)
          if (d == "\\") { v = v substr(s, j + 1, 1); j += 2; continue }
          if (d == "\"") break
          v = v d; j++
        }
        i = j + 1
      } else {
        j = i
        while (j <= n && index(",}] \t\r\n", substr(s, j, 1)) == 0) j++
        v = substr(s, i, j - i); i = j
      }
      if (typ[dep] == "o" && isk[dep]) { key[dep] = v; continue }
      p = ""
      for (q = 1; q <= dep; q++) p = p (q > 1 ? "." : "") key[q]
      if (p == want) { print v; found = 1; break }
    }
    if (!found) print dflt
  }' "$1"
}
