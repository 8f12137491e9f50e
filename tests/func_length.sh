#!/usr/bin/env bash
# Function length check (Makefile TEST_SH, run by run_tests.sh inside
# `make test`): no function in sim/ (sim/*.c and any sim/**/*.c) is longer
# than FL_MAX_LINES (80) lines (issue 8, STYLE: small functions).
#
# The rule, as counted here: the project writes a function's opening brace
# alone at column 0 of its own line and its closing brace alone at column 0
# (K&R for functions; every block inside is indented). A function's length
# is the count of lines from that opening brace to that closing brace, both
# lines included; the signature above the brace is not counted. The
# function's name is the identifier before the first '(' of the nearest line
# above the brace that starts at column 0 (the first line of the signature).
#
# tests/func_length.allow may name a function that is allowed to be longer
# for now: one "file:function  reason" per line ('#' starts a comment); a
# line without a reason, or one naming a function that is no longer too
# long, fails the check, so the list only shrinks.
# Before the tree, the check runs on planted functions and must catch them.
# Prints cmocka-style lines so run_tests.sh counts the cases.
set -u
cd "$(dirname "$0")/.."
max=${FL_MAX_LINES:-80}
allow=${FL_FUNC_ALLOW:-tests/func_length.allow}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { echo "[       OK ] $1"; pass=$((pass + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; fail=$((fail + 1)); }

# lengths FILE...: "file:function:lines:first_line" for every function
lengths() {
  awk '
    FNR == 1 { sig = ""; inbody = 0 }
    inbody && /^\}/ { print FILENAME ":" name ":" (FNR - start + 1) ":" start; inbody = 0; next }
    inbody { next }
    /^\{/ { inbody = 1; start = FNR; name = sig; next }
    /^[A-Za-z_].*\(/ {
      s = $0; sub(/\(.*/, "", s); n = split(s, w, /[^A-Za-z0-9_]+/)
      sig = w[n] != "" ? w[n] : w[n - 1]
    }
    END { if (inbody) print FILENAME ":" name ":unclosed:" start }' "$@"
}
# too_long FILE...: "file:function lines (line N)" for each over max lines
too_long() {
  lengths "$@" | awk -F: -v max="$max" \
    '$3 == "unclosed" || $3 > max {print $1 ":" $2 " " $3 " lines (from line " $4 ")"}'
}
# allowed ALLOWFILE: the "file:function" names the allow list holds
allowed() { sed 's/#.*//' "$1" 2>/dev/null | awk 'NF {print $1}'; }
# unreasoned ALLOWFILE: allow-list lines that give no reason
unreasoned() { sed 's/#.*//' "$1" 2>/dev/null | awk 'NF == 1'; }
# check FILE_LIST ALLOWFILE: the offences not allowed, then allow-list
# entries that are not offences (stale), one per line
check() {
  local files=$1 list=$2
  # shellcheck disable=SC2086
  too_long $files > "$tmp/off"
  allowed "$list" | sort -u > "$tmp/allowed"
  awk -v allowed="$tmp/allowed" 'FILENAME == allowed {a[$1] = 1; next} !($1 in a)' "$tmp/allowed" "$tmp/off"
  awk '{print $1}' "$tmp/off" | sort -u | comm -23 "$tmp/allowed" - | sed 's/$/ allowed but not too long (remove it from the list)/'
}

# --- the check must be able to fail: planted functions ---
mkdir -p "$tmp/sim/deep"
{
  printf 'static int\nshort_one(int a,\n          int b)\n{\n    return a + b;\n}\n\n'
  printf 'int planted_long(void)\n{\n    int x = 0;\n'
  for i in $(seq 1 $((max - 3))); do printf '    x += %d;\n' "$i"; done   # max + 1 lines with both braces
  printf '    return x;\n}\n'
  printf 'int exactly_max(void)\n{\n'
  for i in $(seq 1 $((max - 2))); do printf '    ;\n'; done              # max lines with both braces
  printf '}\n'
} > "$tmp/sim/deep/p.c"
got=$(check "$tmp/sim/deep/p.c" /dev/null)
if [ "$got" = "$tmp/sim/deep/p.c:planted_long $((max + 1)) lines (from line 9)" ]; then
  ok "self-test: a planted $((max + 1))-line function is caught, one of $max lines is not"
else
  bad "self-test" "planted function: got '$got'"
fi
printf '%s  planted for the self-test\n' "$tmp/sim/deep/p.c:planted_long" > "$tmp/allow"
printf '%s\n' "$tmp/sim/deep/p.c:exactly_max" > "$tmp/allow2"
if [ -z "$(check "$tmp/sim/deep/p.c" "$tmp/allow")" ] &&
   [ "$(printf '%s\n' "$tmp/sim/deep/p.c:short_one  no longer long" >> "$tmp/allow"; check "$tmp/sim/deep/p.c" "$tmp/allow")" = \
     "$tmp/sim/deep/p.c:short_one allowed but not too long (remove it from the list)" ] &&
   [ -n "$(unreasoned "$tmp/allow2")" ] && [ -z "$(unreasoned "$tmp/allow")" ]; then
  ok "self-test: the allow list excuses a listed function, and a stale or unreasoned entry is caught"
else
  bad "self-test" "allow list handling"
fi

# --- the tree ---
files=$(find sim -name '*.c' | sort)
if [ -z "$files" ]; then
  bad "sim/" "no sim/*.c files found"
else
  n=$(echo "$files" | wc -l)
  hits=$(check "$files" "$allow")
  if [ -z "$hits" ]; then
    ok "no function in sim/ ($n files) is longer than $max lines (allowed: $(allowed "$allow" | wc -l))"
  else
    bad "functions in sim/ longer than $max lines" "$(echo "$hits" | tr '\n' ';')"
  fi
  hits=$(unreasoned "$allow")
  if [ -z "$hits" ]; then ok "every entry of $allow gives its reason"
  else bad "$allow entries without a reason" "$(echo "$hits" | tr '\n' ' ')"; fi
fi

echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then echo "[  FAILED  ] $fail test(s), listed above."; exit 1; fi
