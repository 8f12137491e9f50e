/* scenario: a featlink scenario JSON file, validated, with overrides and
 * sweep expansion.
 *
 * A scenario is parsed once into a cJSON tree (base). `--set key=value`
 * edits that tree. The sweep block expands it into points: `sweep.grid`
 * is the cartesian product of its lists (the last key varies fastest),
 * `sweep.zip` lists are walked in parallel; grid x zip when both exist.
 * Each point is a full config (fl_config) plus the names of the swept keys.
 * The keys, their ranges and defaults are the rows of sim/schema.c; the
 * sweep is sim/sweep.c; the checks across keys are sim/keyrules.c.
 *
 * Validation never prints: it fills an error text of the form
 *   FILE: $.codec.f: must be in [0, 1], got 1.5
 * and returns -EINVAL; the CLI prints it and exits 2. Duplicate members of
 * any object and dotted names inside objects ({"codec.f": 0.5}) are refused.
 */
#ifndef FEATLINK_SCENARIO_H
#define FEATLINK_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "sim/config.h"

/* The scenario before expansion. Opaque. */
typedef struct scenario scenario;

//  fl_scenario_load : parse and validate FILE (all points checked);
//                  _sets: n_sets "key=value" overrides applied in order;
//                  returns NULL and fills _err (SCN_ERR_LEN) on failure.
//                  Caller frees with fl_scenario_destroy.
scenario *fl_scenario_load(const char *file, const char *const *sets, int n_sets,
                        char *err, size_t errlen);
//  fl_scenario_load_text : as fl_scenario_load from JSON text; _label names it in errors
scenario *fl_scenario_load_text(const char *text, const char *label,
                             const char *const *sets, int n_sets,
                             char *err, size_t errlen);
//  fl_scenario_validate : as fl_scenario_load, but on failure every error found
//                      (at most SCN_MAX_ERRORS, one per line, each with its
//                      JSON path) goes into _errors and *_n_errors counts them
scenario *fl_scenario_validate(const char *file, const char *const *sets, int n_sets, char *errors,
                            size_t len, int *n_errors);
void fl_scenario_destroy(scenario *s);

//  fl_scenario_key_doc : unit, one-line description and integer type of the
//                     scenario key _key (dotted); 0 or -ENOENT
int fl_scenario_key_doc(const char *key, const char **unit, const char **desc, int *is_int);
//  fl_scenario_points : number of sweep points (>= 1)
int64_t fl_scenario_points(const scenario *s);
//  fl_scenario_config : fill _c with point _i (0 <= _i < points); 0 or -EINVAL
int fl_scenario_config(const scenario *s, int64_t i, fl_config *c, char *err, size_t errlen);
//  fl_scenario_swept : number of swept keys; fl_scenario_swept_key: the k-th dotted key
int fl_scenario_swept(const scenario *s);
const char *fl_scenario_swept_key(const scenario *s, int k);
//  fl_scenario_swept_value : the k-th swept key's value at point i as text
//                         (numbers as %.17g) and as a number (NaN for text)
void fl_scenario_swept_value(const scenario *s, int64_t i, int k, char *buf, size_t len, double *num);
//  fl_scenario_text : the effective scenario JSON (after --set), /scenario_effective;
//                  after fl_scenario_validate it is made on the first call (call
//                  from one thread; NULL on ENOMEM)
const char *fl_scenario_text(const scenario *s);
//  fl_scenario_source_text : the scenario text as given, verbatim (/scenario)
const char *fl_scenario_source_text(const scenario *s);
//  fl_scenario_sets : the --set overrides applied, one per line ("" for none)
const char *fl_scenario_sets(const scenario *s);

#endif
