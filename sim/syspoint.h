/* syspoint: a sweep point with system.devices >= 1 — the point's codec
 * frame (its measured bit count, from the frame pipeline) sent by that many
 * devices over the shared uplink to the edge server (sim/system), with
 * the summary columns of sim/syssum added to the point's row.
 *
 * Per frame: bits = the pipeline's mean measured_bits over `trials` frames;
 * device time = device.compute model (sim/sysmodel: patches x FLOP /
 * (efficiency x peak) + overhead + codec cost x Nt Ns) or 0; server time =
 * server.service model (decode + projector + prefill of the visual tokens
 * the codec leaves, plus text tokens, + generation) or a distribution.
 * Visual tokens: Nt (no selection), Nt - round(f Nt) (PINR), n_c per patch
 * (merge).
 *
 * trials >= 2: that many independent replications of the system run (trial
 * word t of every draw); each estimate is the mean of the replications'
 * estimates and its 95% interval the t interval over them (Law, Simulation
 * Modeling and Analysis, §9.4), which needs no assumption about the
 * correlation inside a run. trials = 1: the run's batch-means interval.
 *
 * system.find = max_devices: the largest N in [1, system.find_max] whose
 * metric (trial 0) meets system.find_target (sim/syscap), then the columns
 * of N devices as above, plus max_devices and the metrics beside it.
 */
#ifndef FEATLINK_SYSPOINT_H
#define FEATLINK_SYSPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/row.h"
#include "sim/config.h"
#include "sim/frametab.h"

//  fl_syspoint_mean_snr_db : _c's mean uplink SNR over the full band (dB):
//                         device.snr_db, or the path-loss budget
//                         (uplink.snr_model pathloss, fl_sysmodel_snr_db)
double fl_syspoint_mean_snr_db(const fl_config *c);
//  fl_syspoint_visual_tokens : tokens the server's LLM sees for _c's codec
double fl_syspoint_visual_tokens(const fl_config *c);
//  fl_syspoint_config : fill _s from _c for frames of _frame_bits bits at sweep
//                    point _point; the link model (sim/uplink) is _u, which
//                    must outlive the run; 0 or -EINVAL
int fl_syspoint_config(const fl_config *c, int64_t point, double frame_bits, sys_config *s, uplink_cfg *u);
//  fl_syspoint_run : run the system for point _point whose frame columns are
//                 already in _r, and add the system columns; 0 or an error
//                 with its cause in _err
int fl_syspoint_run(const fl_config *c, int64_t point, row *r, char *err, size_t len);
//  fl_syspoint_run_frames : fl_syspoint_run, and the frames it counts (every
//                        replication's, trial k as trial_now) into _frames
//                        when not NULL (sim/frametab)
int fl_syspoint_run_frames(const fl_config *c, int64_t point, row *r, frametab *frames, char *err, size_t len);

#endif
