#!/bin/bash
# t_ctsync6: t_ctsync over IPv6. The gateway VIPs (2001:db8:100::1,
# 2001:db8:203::1), the 200 TCP connections, the stream, the UDP flow and
# the sync link (fwa 2001:db8:2::2, fwb ::3, the rogue ::66) are IPv6; the
# firewalls forward under the same strict inet ruleset (ct state
# established,related accept, invalid drop) with nf_conntrack_tcp_loose = 0.
# fwb caches fwa's IPv6 entries, the rogue's datagrams change nothing, and
# after fwa fails every flow keeps moving through fwb, none reset.
CT_FAMILY=6
# shellcheck source=test/netns/t_ctsync.sh
. "$(dirname "$0")/t_ctsync.sh"
