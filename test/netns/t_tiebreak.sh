#!/bin/bash
# t_tiebreak: two masters with equal priority (they could not hear each
# other) meet: the one with the higher primary address stays MASTER
# (RFC 5798 6.4.3), the other becomes BACKUP and drops the VIP.
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
lib_require_tools nft
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
lib_node n2 198.51.100.2

# Both start apart (VRRP dropped in the bridge, carrier up): both MASTER.
lib_vrrp_block
lib_vrrp_start n1 prio=150
lib_vrrp_start n2 prio=150
lib_wait_state n1 MASTER 5
lib_wait_state n2 MASTER 5
lib_wait_holders $VIP "n1 n2" 3

lib_log "--- the two masters meet"
lib_log_mark n1
lib_log_mark n2
lib_vrrp_unblock
lib_wait_state n1 BACKUP 3
lib_wait_holders $VIP n2 3
sleep 1
lib_assert_holders $VIP n2
lib_assert_no_state n2 BACKUP
lib_assert_no_state n1 MASTER
lib_pass
