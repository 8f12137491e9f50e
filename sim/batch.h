/* batch: batching of requests at the edge server, as LLM servers batch
 * prefill — when a free worker starts a batch, and how long the batch
 * takes. The event wiring is in sim/system; the jobs and the integrals
 * (utilisation, L for Little's law) are in sim/station.
 *
 * When (the dynamic batcher of NVIDIA Triton Inference Server,
 * "max_batch_size" and "max_queue_delay_microseconds"): a free worker
 * takes up to batch_max waiting requests, in the line's order (FIFO, or
 * EDF by deadline), as soon as
 *   - batch_max requests wait, or
 *   - the request at the head of the line has waited batch_max_wait_s
 *     since it reached the server (at once if it already had, e.g. it came
 *     while every worker was busy), or
 *   - batch_max_wait_s = 0 (take whatever waits: greedy batching).
 * Otherwise the worker stays idle until one of these holds (a timer at
 * head arrival + batch_max_wait_s). batch_max = 1 is no batching, and
 * sim/system then runs its unbatched path unchanged.
 *
 * How long (server.service = model): request i needs S_i = a_i + d_i, with
 *   a_i = entropy decode + projector + prefill (linear + quadratic in its
 *         visual + text tokens)                (sim/sysmodel)
 *   d_i = output tokens / decode rate          (its generation)
 * and a batch B of them takes
 *   S(B) = sum_{i in B} a_i + max_{i in B} d_i.
 * Prefill is compute bound already at batch 1 (llama.cpp's 11,000 token/s
 * for a 7B F16 model on an RTX 4090 is the pp512 figure: a 512-token
 * prompt fills the GPU), so batching does not shorten it: its linear
 * (weight FLOP) term is summed over the requests; the attention term is
 * quadratic per request, not in the batch's total, because each request
 * attends only to its own tokens (block-diagonal mask). Decode is
 * memory-bandwidth bound: one step reads all weights once whatever the
 * number of sequences in it, so the batch's requests generate together in
 * the time of the longest (Yu et al., "Orca", OSDI 2022, §2; Kwon et al.,
 * "vLLM / PagedAttention", SOSP 2023, §2.2; Agrawal et al., "Sarathi",
 * 2023, §2: prefill saturates compute at batch 1, decode does not). The
 * whole batch prefills together, then decodes together, and all its
 * requests complete together at start + S(B).
 * Limit of the form: a decode step also reads each sequence's KV cache;
 * the step time stays that of one sequence only while b x context x KV
 * bytes per token is small beside the weights (7B F16: 14 GB of weights,
 * 0.5 MB of KV per token, so 8 requests of 825 tokens add 3.3 GB a step:
 * S(B) is optimistic by up to about 24% at b = 8).
 * Throughput at saturation with full batches of b equal requests:
 *   b / (b a + d) against 1 / (a + d) unbatched: a factor b (a + d) / (b a + d).
 *
 * server.service = deterministic / exponential (the queueing checks): a
 * batch of any size takes one service time of mean service_mean_s (bulk
 * service, Bailey, "On queueing processes with bulk service", J. R. Stat.
 * Soc. B 16, 1954).
 */
#ifndef FEATLINK_BATCH_H
#define FEATLINK_BATCH_H

#include <stddef.h>

#include "sim/evq.h"
#include "sim/station.h"

typedef struct {
    size_t   max;        /* batch_max >= 1 */
    evq_time max_wait;   /* batch_max_wait_s in ticks */
} batch_policy;

//  fl_batch_ready : whether a free worker of _s starts a batch at _now (1) or
//                waits (0); when it waits, *_wake is when to ask again
//                (EVQ_TIME_MAX: nothing waits)
int fl_batch_ready(const batch_policy *p, const station *s, evq_time now, evq_time *wake);
//  fl_batch_model_s : S(B) = sum _own[i] + max _shared[i] over _n >= 1 requests
//                  (the model above; _own = a_i, _shared = d_i, seconds)
double fl_batch_model_s(const double *own, const double *shared, size_t n);

#endif
