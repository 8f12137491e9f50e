/* export: the points table as CSV, JSON or Markdown (featlink export). */
#ifndef FEATLINK_EXPORT_H
#define FEATLINK_EXPORT_H

#include <stddef.h>

//  fl_export_number : the shortest of %.15g, %.16g, %.17g that reads back as
//                  the same double ("inf", "-inf", "nan" when not finite)
void fl_export_number(double v, char *buf, size_t len);

#endif
