/* peers: what the parts of bench_peers share (tests/peers/peers_main.c). */
#ifndef FEATLINK_PEERS_PEERS_H
#define FEATLINK_PEERS_PEERS_H

typedef double (*timed_fn)(void *ctx); /* returns items/s of one timed run */

//  peers_pair : one pair of figures; rounds alternate (a, b), the medians
//      over the rounds (divided by _scale) are printed with the ratio a / b
void peers_pair(const char *what, const char *unit, double scale, timed_fn a, timed_fn b,
                void *ctx);
//  bench_volk_math : featlink's variate kernels vs VOLK 32f math (volk_math.c)
void bench_volk_math(void);

#endif
