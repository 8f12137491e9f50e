/* table: the papers' tables, computed by featlink and printed beside the
 * printed values. */
#ifndef FEATLINK_TABLE_H
#define FEATLINK_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef enum { TABLE_MD, TABLE_CSV, TABLE_TEX } table_format;

//  table_print : print table _what: "pinr-table1" (paper 000, Table 1, from
//                scenarios/pinr_table1.json), a scenario .json (run in memory)
//                or a results .h5. Scenarios named pinr_table1 print in the
//                paper's layout, others as their points table.
//                0, -ENOENT / -EINVAL (bad input) or -EIO, message in _err
int table_print(const char *what, table_format fmt, FILE *out, char *err, size_t len);

#endif
