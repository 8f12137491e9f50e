/* h5fault_shim: an LD_PRELOAD library that plays a libhdf5 crashing on a
 * crafted file, for tests/hostile_check.sh. With FL_H5FAULT=segv (a write
 * through a null pointer), bus (SIGBUS raised) or abort (abort(3), as glibc
 * does on a corrupted heap) in the environment, H5Fopen faults instead of
 * opening; without it, H5Fopen is libhdf5's own (dlsym RTLD_NEXT).
 * featlink must then end with exit 1 and the file named (sim/main.c
 * on_fault), never with the signal. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <hdf5.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

hid_t H5Fopen(const char *name, unsigned flags, hid_t fapl)
{
    const char *how = getenv("FL_H5FAULT");
    if (how && !strcmp(how, "segv")) {
        volatile int *volatile nowhere = NULL;
        *nowhere = 1;
    } else if (how && !strcmp(how, "bus")) {
        raise(SIGBUS);
    } else if (how && !strcmp(how, "abort")) {
        abort();
    }
    hid_t (*real)(const char *, unsigned, hid_t) =
        (hid_t (*)(const char *, unsigned, hid_t))dlsym(RTLD_NEXT, "H5Fopen");
    return real ? real(name, flags, fapl) : -1;
}
