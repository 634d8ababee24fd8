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

uint64_t quorum_corosync_wait_us(uint32_t token_ms, uint32_t consensus_ms)
{
	uint64_t ms;

	if (!token_ms)
		return QUORUM_COROSYNC_WAIT_DEFAULT_US;
	if (!consensus_ms)
		consensus_ms = (uint32_t)((uint64_t)token_ms * 12 / 10);
	ms = (uint64_t)token_ms + consensus_ms;
	return (ms + ms / 4) * 1000u;
}
