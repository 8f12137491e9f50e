#!/usr/bin/env bash
# Build checks (Makefile TEST_SH, run by run_tests.sh inside `make test`),
# without compiling anything:
#  - staged goals install the packages first and build in a fresh make, so
#    pkg-config is read after the install (issue 7: one `make run` on a bare
#    machine);
#  - the user's CFLAGS add to the flags the build needs (-std=c11, -fopenmp,
#    the package include paths) instead of replacing them;
#  - the git revision header follows HEAD: rewritten when a commit is made or
#    the tree becomes dirty, left alone (same mtime) otherwise.
# Prints cmocka-style lines so run_tests.sh counts the cases.
set -u
cd "$(dirname "$0")/.."
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES FL_STAGE
# variables given to the make that runs this (make test SAN=1 ...) are in the
# environment too: the checks below are about the default build
unset SAN MPI PIC NATIVE CFLAGS CPPFLAGS LDFLAGS
# a command-line FL_STAGE=build of the make running this test is exported
# to its recipes: without this unset the staged plans below are never seen
unset FL_STAGE
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()  { echo "[       OK ] $1"; pass=$((pass + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; fail=$((fail + 1)); }

for goal in run test all; do
  plan=$(make --no-print-directory -n $goal 2>&1 | head -3)
  first=$(echo "$plan" | sed -n 1p); second=$(echo "$plan" | sed -n 2p)
  if [[ "$first" == *".ci/deps"* && "$second" == *"FL_STAGE=build $goal"* ]]; then
    ok "make $goal: deps first, then a fresh make"
  else
    bad "make $goal staging" "$plan"
  fi
done

line=$(make --no-print-directory -n -B FL_STAGE=build CFLAGS=-O2 build/sim/main.o 2>&1 | grep -- " -c sim/main.c")
missing=""
for f in -std=c11 -fopenmp -I. -ffp-contract=off $(pkg-config --cflags-only-I hdf5 2>/dev/null) -O2; do
  [[ " $line " == *" $f "* ]] || missing="$missing $f"
done
if [ -z "$missing" ] && [[ "$line" == *"-O3"*"-O2"* ]]; then
  ok "make CFLAGS=-O2 keeps the build's flags and puts -O2 last"
else
  bad "CFLAGS=-O2" "missing:$missing in: $line"
fi

if git rev-parse --git-dir >/dev/null 2>&1; then
  git clone -q . "$tmp/c" 2>/dev/null && cd "$tmp/c" || { bad "clone" "git clone failed"; exit 1; }
  git config user.email t@t; git config user.name t
  h=build/gen/featlink_gitrev.h
  make --no-print-directory -s FL_STAGE=build "$h"
  r1=$(git rev-parse --short=12 HEAD)
  grep -q "FEATLINK_GITREV \"$r1\"" "$h" && ok "revision header holds HEAD $r1" || bad "revision" "$(cat "$h")"
  m1=$(stat -c %y "$h"); sleep 1
  make --no-print-directory -s FL_STAGE=build "$h"
  m2=$(stat -c %y "$h")
  [ -e "$h" ] && [ "$m1" = "$m2" ] && ok "unchanged HEAD: header not rewritten (version.o not rebuilt)" || bad "rewrite" "mtime moved"
  git commit -q --allow-empty -m next
  make --no-print-directory -s FL_STAGE=build "$h"
  r2=$(git rev-parse --short=12 HEAD)
  grep -q "FEATLINK_GITREV \"$r2\"" "$h" && ok "after a commit the header holds the new HEAD $r2" || bad "revision after commit" "$(cat "$h")"
  echo "/* edit */" >> sim/version.c
  make --no-print-directory -s FL_STAGE=build "$h"
  grep -q "FEATLINK_GITREV \"$r2-dirty\"" "$h" && ok "modified tracked file: $r2-dirty" || bad "dirty" "$(cat "$h")"
else
  ok "not a git checkout: revision reported as unknown (tools/gitrev.sh)"
fi
echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then echo "[  FAILED  ] $fail test(s), listed above."; exit 1; fi
