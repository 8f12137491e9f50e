/* version: see version.h. The values come from the build (Makefile). */
#include "sim/version.h"

#ifndef FEATLINK_VERSION
#define FEATLINK_VERSION "unknown"
#endif
#ifndef FEATLINK_GITREV
#define FEATLINK_GITREV "unknown"
#endif

const char *featlink_version(void) { return FEATLINK_VERSION; }
const char *featlink_git_revision(void) { return FEATLINK_GITREV; }
