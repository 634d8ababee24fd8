/* scenarios: the clusters test/explore checks, at the small bound (make
 * check) and the deep one (make explore). */
#ifndef HAMGR_EXPLORE_SCENARIOS_H
#define HAMGR_EXPLORE_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

const struct xcfg *scenarios(bool deep, size_t *n);

#endif
