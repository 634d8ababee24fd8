#!/bin/bash
# t_ctsync6_off: the control of t_ctsync6, t_ctsync_off over IPv6: without
# conntrack-sync the TCP connections stop at fwb's strict ruleset, so
# t_ctsync6 measures what it claims.
CT_FAMILY=6
# shellcheck source=test/netns/t_ctsync_off.sh
. "$(dirname "$0")/t_ctsync_off.sh"
