/* purpose: the registry of Philox stream purposes, every layer's in one list.
 *
 * Every random draw in featlink is Philox4x32-10 (Random123, or the
 * bit-identical vector version in channel/noise.c) on a counter that carries
 * a purpose id, so that two modules drawing under the same key never see the
 * same numbers. The layouts (docs/design-notes.md §5):
 *
 *   channel/noise, phy, ber, jakes; sim/ analog and digital links:
 *       key {seed, point}, counter {draw lo, draw hi, purpose, trial}
 *   sim/system (the discrete-event layer; purpose < 2^16, trial < 2^16):
 *       key {seed, point}, counter {device, frame, packet << 8 | attempt,
 *                                   purpose << 16 | trial}
 *   codec/source (synthetic tensors, the same frame at every point):
 *       key {seed, 0},     counter {element lo, element hi, purpose, trial}
 *   codec/pinr frame seed:
 *       key {seed, point}, counter {0, 0, purpose, trial}
 *   codec/pinr selections (key = the 64-bit frame seed):
 *       key {fs lo, fs hi}, counter {i lo, i hi, purpose, sub}
 *
 * The keys overlap (source's {seed, 0} is a channel key at point 0), so a
 * purpose id must be unique over the whole program, not only in its layer.
 *
 * Layer rule: this header sits below channel/, codec/ and sim/; any of them
 * may include it, and it includes nothing of theirs. A module uses the names
 * below (PURPOSE_PHY_NOISE_I), never a literal; sim/link.h, sim/digital.h and
 * sim/system.h keep their older local names as aliases of them.
 *
 * Ranges: codec/ 0x100-0x1FF, channel/ 0x200-0x2EF, sim/ links 0x2F0-0x2FF
 * (numbered at the top of the channel range before this registry existed;
 * the values are kept so that results stay bit-identical), sim/system
 * 0x400-0x4FF.
 * Test programs draw their own inputs with literal purposes (and often their
 * own keys) in programs of their own; they are not listed here.
 *
 * Adding a purpose: one X(...) line in PURPOSE_TABLE, in its layer's range,
 * with a value never used before (a stream renumbered is a result changed).
 * tests/test_purposes.c fails to compile when two values collide (they become
 * case labels of one switch) and checks every value and range at run time.
 */
#ifndef FEATLINK_PURPOSE_H
#define FEATLINK_PURPOSE_H

/* X(name, value, layer, what): PURPOSE_<name> = value */
#define PURPOSE_TABLE(X)                                                                        \
    X(PINR_FRAMESEED, 0x100u, "codec", "pinr: 64-bit seed of a frame's selections")             \
    X(PINR_REMOVE, 0x101u, "codec", "pinr: tokens removed (fraction f)")                        \
    X(PINR_PRUNE, 0x102u, "codec", "pinr: tokens pruned (fraction g of the rest)")              \
    X(PINR_SYMBOLS, 0x103u, "codec", "pinr: symbols pruned in pruned token sub (fraction h)")   \
    X(SOURCE_SCALES, 0x110u, "codec", "source: per-dimension Pareto scales s_d")                \
    X(SOURCE_OUTLIERS, 0x111u, "codec", "source: choice of the outlier dimensions")             \
    X(SOURCE_CENTRES, 0x112u, "codec", "source: cluster centres c[k][d]")                       \
    X(SOURCE_MEMBERS, 0x113u, "codec", "source: cluster of each token")                         \
    X(SOURCE_NOISE, 0x114u, "codec", "source: Laplacian or Gaussian element noise")             \
    X(PHY_NOISE_I, 0x210u, "channel", "phy: in-phase receiver noise")                           \
    X(PHY_NOISE_Q, 0x211u, "channel", "phy: quadrature receiver noise")                         \
    X(PHY_FADE_I, 0x212u, "channel", "phy: in-phase fading gain (Rayleigh amplitude when fast)") \
    X(PHY_FADE_Q, 0x213u, "channel", "phy: quadrature fading gain")                             \
    X(BER_BITS, 0x220u, "channel", "ber: payload bits of frame f at draw f << 24")              \
    X(JAKES_SOS, 0x240u, "channel", "jakes: sum-of-sinusoids angles and phases")                \
    X(JAKES_IDFT, 0x241u, "channel", "jakes: IDFT Gaussian spectrum samples")                   \
    X(JAKES_LOS, 0x242u, "channel", "jakes: Rician line-of-sight phase")                        \
    X(LINK_PINR, 0x2F0u, "sim", "link: analog noise of a PINR frame")                           \
    X(LINK_PINR_REF, 0x2F1u, "sim", "link: analog noise of the PINR same_snr reference")        \
    X(LINK_TOFC, 0x2F2u, "sim", "link: analog noise of a TOFC frame")                           \
    X(LINK_TOFC_REF, 0x2F3u, "sim", "link: analog noise of the TOFC same_snr reference")        \
    X(DIGITAL_BITS, 0x2F4u, "sim", "digital: payload bits of coded or Jakes BER frames")        \
    X(SYS_ARRIVAL, 0x400u, "system", "system: interarrival time and jitter, per (device, frame)") \
    X(SYS_OFFSET, 0x401u, "system", "system: a periodic device's phase")                        \
    X(SYS_ATTEMPT, 0x402u, "system", "system: packet attempt success, per (device, frame, packet, attempt)") \
    X(SYS_SERVICE, 0x403u, "system", "system: random server service time, per (device, frame)") \
    X(SYS_SHADOW, 0x404u, "system", "system: log-normal shadowing, per device") \
    X(SYS_BITTRUE_KEY, 0x405u, "system", "bittrue: key of an attempt's bits and noise, per (device, frame, packet, attempt)") \
    X(SYS_BITTRUE_BITS, 0x406u, "system", "bittrue: payload bits of an attempt (under its own key)") \
    X(SYS_BITTRUE_NOISE, 0x407u, "system", "bittrue: receiver noise of an attempt (under its own key)")

#define PURPOSE_ENUM_ENTRY(name, value, layer, what) PURPOSE_##name = value,
enum purpose_id { PURPOSE_TABLE(PURPOSE_ENUM_ENTRY) };
#undef PURPOSE_ENUM_ENTRY

#endif
