#!/usr/bin/env bash
# Install check (Makefile TEST_SH, run by run_tests.sh inside `make test`):
# `make install` into a temporary prefix, then compile and run a small C
# program against the installed library through
#   pkg-config --cflags --libs featlink            (shared libfeatlink.so)
#   pkg-config --static --cflags --libs featlink   (static libfeatlink.a)
# The program makes a PINR round trip (decode(encode(x)) equals x on the kept
# symbols, zero on the dropped ones) and checks the AWGN capacity against
# log2(1 + 10) computed here. Also checks what else install promises:
# soname, headers, scenarios, plot scripts, no -march=native in the build.
# Prints cmocka-style lines so run_tests.sh counts the cases.
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
pass=0; fail=0
ok()  { echo "[       OK ] $1"; pass=$((pass + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; fail=$((fail + 1)); }

# a make started from `make test` inherits its variables (SAN=1, ...)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
if ! make --no-print-directory -s install PREFIX="$prefix" SAN=0 MPI=0 >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log"; echo "[  FAILED  ] 1 test(s), make install failed"; exit 1
fi
ok "make install PREFIX=$prefix"

cat > "$tmp/use.c" <<'C'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "channel/capacity.h"
#include "codec/pinr.h"
#include "sim/version.h"
int main(void)
{
    pinr_params p = {.tokens = 64, .dims = 16, .bits = 8, .f = 0.25, .g = 0.5,
                     .h = 0.25, .index = PINR_INDEX_LIST};
    float x[64 * 16], y[64 * 16];
    for (int i = 0; i < 64 * 16; i++) x[i] = (float)sin(0.37 * i) * 3.0f;
    uint8_t *buf = NULL, keep[64 * 16];
    uint64_t nbits = 0;
    pinr_layout lay;
    if (fl_pinr_encode(&p, x, 7, &buf, &nbits, &lay) != 0) return 1;
    if (fl_pinr_decode(buf, nbits, NULL, 64, 16, y, NULL, NULL) != 0) return 2;
    if (fl_pinr_select(&p, 7, keep) != 0) return 3;
    double maxerr = 0.0, step = 0.0;
    for (int i = 0; i < 64 * 16; i++) {
        if (!keep[i] && y[i] != 0.0f) return 4;
        if (keep[i] && fabs(x[i] - y[i]) > maxerr) maxerr = fabs(x[i] - y[i]);
        if (fabs(x[i]) > step) step = fabs(x[i]);
    }
    free(buf);
    /* uniform quantiser of 8 bits over [-max, max]: error <= one step */
    if (maxerr > 2.0 * step / 255.0 + 1e-6) return 5;
    if (fabs(fl_capacity_awgn(10.0) - log2(11.0)) > 1e-12) return 6;
    printf("featlink %s: %llu bits, max error %.3g\n", featlink_version(),
           (unsigned long long)nbits, maxerr);
    return 0;
}
C
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
if cc -std=c11 "$tmp/use.c" -o "$tmp/use_shared" $(pkg-config --cflags --libs featlink) -lm 2>"$tmp/cc1.log" &&
   LD_LIBRARY_PATH="$prefix/lib" "$tmp/use_shared" >"$tmp/run1.log" 2>&1; then
  ok "shared: $(cat "$tmp/run1.log")"
else
  bad "shared link and run" "$(cat "$tmp/cc1.log" "$tmp/run1.log" 2>/dev/null | head -5)"
fi
if LD_LIBRARY_PATH="$prefix/lib" ldd "$tmp/use_shared" 2>/dev/null | grep -q "libfeatlink.so.0 => $prefix/lib"; then
  ok "shared: linked against $prefix/lib/libfeatlink.so.0"
else
  bad "shared soname" "$(ldd "$tmp/use_shared" 2>&1 | grep featlink)"
fi
if cc -std=c11 "$tmp/use.c" -o "$tmp/use_static" $(pkg-config --static --cflags featlink) \
      "$prefix/lib/libfeatlink.a" $(pkg-config --static --libs featlink | sed 's/-lfeatlink//') -lm 2>"$tmp/cc2.log" &&
   "$tmp/use_static" >"$tmp/run2.log" 2>&1 && ! ldd "$tmp/use_static" | grep -q libfeatlink; then
  ok "static: $(cat "$tmp/run2.log")"
else
  bad "static link and run" "$(cat "$tmp/cc2.log" "$tmp/run2.log" 2>/dev/null | head -5)"
fi
for f in bin/featlink include/featlink/channel/modem.h include/featlink/codec/tofc.h \
         include/featlink/sim/run.h share/featlink/scenarios/pinr_table1.json \
         share/featlink/plots/make_plots.sh; do
  [ -e "$prefix/$f" ] || { bad "installed files" "missing $f"; continue; }
done
[ "$fail" -eq 0 ] && ok "installed files: binary, headers, scenarios, plot scripts"
if "$prefix/bin/featlink" --version >/dev/null 2>&1; then ok "installed featlink --version"; else bad "installed binary" "--version failed"; fi
# NATIVE defaults to 0 for install: the commands `make install` would run
# (all of them, -B) compile with -fPIC and never with -march=native
plan=$(make --no-print-directory -n -B install PREFIX="$tmp/dry" SAN=0 MPI=0 2>&1)
if echo "$plan" | grep -q -- "-march=native"; then
  bad "portable build" "-march=native in make install's commands without NATIVE=1"
elif ! echo "$plan" | grep -q -- "-fPIC"; then
  bad "portable build" "no -fPIC compile in make install's commands"
else
  ok "install build: -fPIC, no -march=native"
fi
if [ "$fail" -eq 0 ]; then
  echo "[  PASSED  ] $pass test(s)."
else
  echo "[  PASSED  ] $pass test(s)."; echo "[  FAILED  ] $fail test(s), listed above."; exit 1
fi
