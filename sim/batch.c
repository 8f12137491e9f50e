/* batch: see batch.h for the rule and the batched service model. */
#include "sim/batch.h"

int fl_batch_ready(const batch_policy *p, const station *s, evq_time now, evq_time *wake)
{
    size_t n = fl_station_waiting(s);
    *wake = EVQ_TIME_MAX;
    if (n == 0) return 0;
    if (n >= p->max || p->max_wait == 0) return 1;
    evq_time head = fl_station_head_arrival(s);
    evq_time due = head > EVQ_TIME_MAX - p->max_wait ? EVQ_TIME_MAX : head + p->max_wait;
    if (now >= due) return 1;
    *wake = due;
    return 0;
}

double fl_batch_model_s(const double *own, const double *shared, size_t n)
{
    double sum = 0.0, most = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += own[i];
        if (shared[i] > most) most = shared[i];
    }
    return sum + most;
}
