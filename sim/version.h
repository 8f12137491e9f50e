/* version: the release and the git revision this build was made from. */
#ifndef FEATLINK_VERSION_H
#define FEATLINK_VERSION_H

//  featlink_version : the release, e.g. "0.1.0"
const char *featlink_version(void);
//  featlink_git_revision : the commit the build was made from (12 hex
//                          digits, "-dirty" when the work tree had changes;
//                          "unknown" outside a git checkout). Regenerated
//                          by make whenever HEAD moves (Makefile).
const char *featlink_git_revision(void);

#endif
