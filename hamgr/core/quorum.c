/* quorum: the majority rule and its timing (quorum.h). */
#include "core/quorum.h"

bool quorum_majority(unsigned nodes, size_t peers_seen)
{
	return 2 * (1 + (uint64_t)peers_seen) > nodes;
}

uint64_t quorum_window_us(uint64_t period_us)
{
	return 4 * period_us;
}

uint64_t quorum_wait_us(uint64_t period_us)
{
	return quorum_window_us(period_us) + period_us;
}
