/* system: the discrete-event system layer — many devices share one fading
 * uplink and one edge server; every frame's latency is measured from its
 * parts (paper 001 §V-B2, Fig. 8: on-device computation + transmission +
 * server computation; featlink adds the queues, the channel and ARQ).
 *
 * A frame's life, each step an event of sim/evq (1 tick = 1 ps):
 *   arrival at its device (periodic with jitter, Poisson, or a trace of
 *   times, sim/trace)
 *   -> device compute (encoder + codec; one worker per device, FIFO)
 *   -> uplink: the frame's bits in packets of uplink.packet_bits; each
 *      attempt is sent at the rate the link model gives for the device's
 *      instantaneous SNR at the attempt's start, and fails with the packet
 *      error probability it gives; up to max_retx retransmissions
 *   -> delivery (lost packets: concealed, i.e. delivered with zero-filled
 *      values, or the frame dropped, per lost_policy)
 *   -> edge server (c workers, FIFO or EDF by deadline; optionally
 *      requests served in batches, sim/batch) -> completion.
 * latency = completion - arrival = device_time + uplink_wait + tx_time +
 * server_wait + server_time exactly (integer ticks).
 *
 * Uplink access:
 *   SYS_TDMA  the whole band, one packet at a time, devices served round
 *             robin (one attempt per turn): work-conserving statistical
 *             time sharing.
 *   SYS_FDMA  each device its own band of bandwidth/N, always available
 *             to it (N independent servers).
 *   SYS_PF    the whole band, one packet at a time, to the waiting device
 *             with the largest r_i(t) / R_i, R_i its throughput averaged
 *             over pf_window decisions (proportional fair, Jalali, Padovani
 *             & Pankaj, VTC 2000).
 *
 * Randomness: Philox4x32-10, key {seed, point}, counter {device, frame,
 * packet << 8 | attempt, purpose << 16 | trial}; so a draw belongs to one
 * (device, frame, packet, attempt) and adding a device leaves every other
 * device's draws unchanged. Each device's fading is its own Jakes process
 * (channel/jakes, sum of sinusoids, key {seed, point}, trial word
 * trial << 20 | device) evaluated at the event times.
 */
#ifndef FEATLINK_SYSTEM_H
#define FEATLINK_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "common/purpose.h"
#include "sim/station.h"
#include "sim/trace.h"

#define SYS_MAX_GROUPS 8
#define SYS_MAX_DEVICES (1u << 20)

/* Philox purposes of the system layer (sim/ range 0x400-0x4FF) */
#define SYS_PURPOSE_ARRIVAL  PURPOSE_SYS_ARRIVAL   /* interarrival / jitter, per (device, frame) */
#define SYS_PURPOSE_OFFSET   PURPOSE_SYS_OFFSET   /* a periodic device's phase, frame 0 */
#define SYS_PURPOSE_ATTEMPT  PURPOSE_SYS_ATTEMPT   /* packet attempt success, per (device, frame, packet, attempt) */
#define SYS_PURPOSE_SERVICE  PURPOSE_SYS_SERVICE   /* random server service time, per (device, frame) */
#define SYS_PURPOSE_SHADOW   PURPOSE_SYS_SHADOW   /* log-normal shadowing, per device */

typedef enum { SYS_PERIODIC = 0, SYS_POISSON = 1, SYS_TRACE = 2 } sys_arrival;
typedef enum { SYS_TDMA = 0, SYS_FDMA = 1, SYS_PF = 2 } sys_access;
typedef enum { SYS_SVC_MODEL = 0, SYS_SVC_EXPONENTIAL = 1, SYS_SVC_DETERMINISTIC = 2 } sys_service;
typedef enum { SYS_LOST_CONCEAL = 0, SYS_LOST_DROP = 1 } sys_lost_policy;
typedef enum { SYS_LATE_DELIVER = 0, SYS_LATE_DROP = 1 } sys_late_policy;

/* The link model: the rate and packet error probability of one attempt of
 * _bits bits by _device at instantaneous SNR _snr_db over _bandwidth_hz.
 * Must give *_rate_bps >= 0 and *_per in [0, 1]; 0 or a negative errno.
 * Rate 0 means outage (e.g. below the lowest MCS): the device is not
 * scheduled and tries again outage_retry_s later. The rate chosen at an
 * attempt's start holds for the whole packet (block fading over a packet).
 * sim/uplink's fl_uplink_link is the link model of every rate model (shannon,
 * mcs_nr, mcs_ax, fixed). */
typedef int (*sys_link_fn)(void *arg, uint32_t device, double snr_db, double bandwidth_hz,
                           uint64_t bits, double *rate_bps, double *per);

/* One attempt, as an attempt model sees it (bit-true PER, sim/bittrue). */
typedef struct {
    uint32_t seed, point, trial;  /* the run's Philox key and trial word */
    uint32_t device;
    uint64_t frame;
    uint32_t packet, attempt;     /* packet < 2^24, attempt < 256 */
    double   snr_db;              /* instantaneous SNR at the attempt's start */
    double   bandwidth_hz;
    uint64_t bits;                /* payload bits of the packet */
} sys_attempt;

/* An attempt model decides an attempt's loss itself (*_lost = 1 lost), in
 * place of a draw against the link model's PER; 0 or a negative errno. */
typedef int (*sys_attempt_fn)(void *arg, const sys_attempt *a, int *lost);

/* A group of devices sharing one codec configuration and traffic. */
typedef struct {
    uint32_t    devices;         /* N_g >= 1 */
    sys_arrival arrival;
    double      frame_rate_hz;   /* per device, > 0 */
    double      jitter_s;        /* periodic: uniform in [-j, j], j < period / 2 */
    const trace *trace;          /* SYS_TRACE: the group's arrivals, device i of the group
                                    its trace device i (trace->devices <= devices) */
    uint64_t    frame_bits;      /* encoded frame size (bits), from the codec */
    double      device_time_s;   /* encoder + codec time per frame (sim/sysmodel) */
    double      mean_snr_db;     /* mean SNR over the full band (sysmodel path loss) */
    double      shadowing_db;    /* log-normal shadowing std per device, >= 0 */
    double      compute_power_w; /* device power while computing */
    double      tx_power_w;      /* device power while transmitting */
    double      server_time_s;   /* server compute per frame (SYS_SVC_MODEL) */
    double      server_shared_s; /* the part of it a batch shares (its decode, sim/batch), <= server_time_s */
} sys_group;

typedef struct {
    sys_group groups[SYS_MAX_GROUPS];
    int       ngroups;
    double    duration_s;        /* simulated time, arrivals in [0, duration) */
    double    warmup_s;          /* frames arriving before it are not counted */
    double    deadline_s;        /* per frame, from its arrival; inf = none */
    sys_late_policy late;        /* stale frames: delivered late, or dropped at the device */
    /* uplink */
    double    bandwidth_hz;
    sys_access access;
    uint32_t  packet_bits;       /* payload bits per packet, >= 1 */
    int       max_retx;          /* R >= 0 */
    sys_lost_policy lost;
    double    doppler_hz;        /* 0: no fading (SNR = mean SNR) */
    double    k_factor;          /* Rician K, 0 = Rayleigh */
    int       pf_window;         /* PF averaging window (decisions), >= 1 */
    double    outage_retry_s;    /* a device in outage tries again after this, > 0 */
    sys_link_fn link;
    void     *link_arg;
    sys_attempt_fn attempt;      /* NULL: loss drawn with the link's PER (closed form) */
    void     *attempt_arg;
    /* edge server */
    unsigned  workers;
    station_discipline discipline;
    sys_service service;
    double    service_mean_s;    /* exponential / deterministic */
    unsigned  batch_max;         /* requests per server batch (sim/batch); 0 or 1: no batching */
    double    batch_max_wait_s;  /* a batch waits at most this after its head request, >= 0 */
    uint32_t  seed, point, trial;
} sys_config;

/* One frame's record (the /frames table). Times in seconds from t = 0. */
typedef struct {
    uint32_t group, device;
    uint64_t frame;              /* per device, 0, 1, ... */
    double   arrival_s, encode_end_s, first_tx_s, delivered_s, server_start_s, completion_s;
    uint64_t bits;
    uint32_t packets, retx, lost_packets;
    int      dropped;            /* 1: stale at the device, 2: lost packets (SYS_LOST_DROP) */
    int      deadline_met;
    double   airtime_s;          /* time on air of all its attempts */
    double   energy_j;           /* compute power x device time + tx power x airtime */
} sys_frame;

/* Station totals after warm-up, for utilisation and goodput. */
typedef struct {
    double   elapsed_s;          /* warmup .. end of the run */
    uint64_t outages;            /* attempts deferred for outage */
    double   uplink_busy_s;      /* airtime summed over the band(s) */
    double   uplink_utilisation; /* busy / (elapsed x bands) */
    double   server_utilisation;
    double   server_mean_in_system; /* time-average requests at the server (L), waiting or in service */
    uint64_t server_jobs, server_batches; /* requests and batches started after warm-up */
    double   delivered_bits;     /* of frames counted */
    uint64_t frames_counted;
} sys_totals;

//  sys_frame_fn : called once per finished frame (completed or dropped), in
//                 the order they finish; nonzero stops the run with that code
typedef int (*sys_frame_fn)(void *arg, const sys_frame *f);

//  fl_sys_check : 0 when _c is usable, else -EINVAL with a reason in _why
int fl_sys_check(const sys_config *c, char *why, size_t len);
//  fl_sys_run : simulate _c; every frame to _fn(_arg, ...); totals to _tot.
//            0, -EINVAL (fl_sys_check failed), -ENOMEM, or the first error of
//            the link model or of _fn
int fl_sys_run(const sys_config *c, sys_frame_fn fn, void *arg, sys_totals *tot);

#endif
