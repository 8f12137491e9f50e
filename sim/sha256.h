/* sha256: FIPS 180-4 SHA-256 of a file, for the results' record of which
 * inputs a run read (scenario, source tensor, projector). */
#ifndef FEATLINK_SHA256_H
#define FEATLINK_SHA256_H

#include <stddef.h>
#include <stdint.h>

//  fl_sha256_hex : the digest of _n bytes at _data as 64 lowercase hex digits + NUL
void fl_sha256_hex(const void *data, size_t n, char hex[65]);
//  fl_sha256_file_hex : the digest of the file _path; 0 or a negative errno
int fl_sha256_file_hex(const char *path, char hex[65]);

#endif
