/* columns: what every measured results column means: its unit, a one-line
 * description, and whether it is a count (stored as int64 in HDF5).
 *
 * The writer (results.c) takes the `unit` and `description` attributes of
 * every /points column from here, and the swept keys' from the scenario
 * schema (fl_scenario_key_doc). tests/test_columns.c runs every shipped
 * scenario and checks that each column it writes is described here.
 */
#ifndef FEATLINK_COLUMNS_H
#define FEATLINK_COLUMNS_H

typedef struct {
    const char *name;
    const char *unit;         /* "" when dimensionless */
    int is_count;             /* 1: an integer count (int64 when every value is one) */
    const char *description;
} column_doc;

//  fl_columns_find : the description of measured column _name, or NULL; a
//                 name "<col>_sem" of a catalogued <col> (the standard error
//                 of a trial average, sim/trials.h) is described from <col>
const column_doc *fl_columns_find(const char *name);
//  fl_columns_count / fl_columns_at : walk the catalogue (base columns, no _sem)
int fl_columns_count(void);
const column_doc *fl_columns_at(int i);

#endif
