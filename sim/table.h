/* table: the papers' tables, computed by featlink and printed beside the
 * printed values. */
#ifndef FEATLINK_TABLE_H
#define FEATLINK_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef enum { TABLE_MD, TABLE_CSV, TABLE_TEX } table_format;

//  fl_table_print : print table _what: "pinr-table1" (paper 000, Table 1, from
//                scenarios/pinr_table1.json), a scenario .json (run in memory)
//                or a results .h5 (parameters from /scenario_effective).
//                Runs whose points are PINR over a capacity link print in
//                the paper's Table 1 layout: a caption built from the run
//                (Nt, Ns, Nb, budget, SNRs, index coding, channel), one line
//                per (f, g, h) and other swept keys, analytic and measured
//                (bitstream) columns, a column group per SNR. The printed
//                paper columns appear only when the run has the paper's
//                configuration (Nt 512, Ns 1024, Nb 32, T 1 s, AWGN, SNR
//                {0, 20} dB, f = g = h in {0.2, 0.4, 0.6, 0.8}); otherwise a
//                one-line note names each differing key. Other runs print
//                their points table. Header names are unique and carry
//                units in every format; md, csv (caption and notes as "#"
//                lines; numbers exact) and tex (booktabs, graphicx).
//                0, -ENOENT / -EINVAL (bad input) or -EIO, message in _err
int fl_table_print(const char *what, table_format fmt, FILE *out, char *err, size_t len);

#endif
