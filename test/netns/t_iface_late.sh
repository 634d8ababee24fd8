#!/bin/bash
# t_iface_late: hamgr starts before its interface exists (FAULT, "does not
# exist (yet)"), joins the election when the interface appears, drops to
# FAULT when the interface is deleted, and comes back when it is re-created
# (a new ifindex: the socket is re-opened on it).
# shellcheck source=test/netns/lib.sh
. "$(dirname "$0")/lib.sh"
lib_require_root
lib_require_hamgr
VIP=198.51.100.50

lib_bridge
lib_node n1 198.51.100.1
# n2: a namespace without eth0 yet.
lib_ns_add n2
LIB_NODES+=(n2)

# plug_n2: what lib_host does, later: veth into the bridge, address, up.
plug_n2() {
	ip -n "$LIB_BR" link add vn2 type veth peer name eth0 netns "${LIB_PREFIX}n2" ||
		lib_fail "cannot create n2's veth"
	ip -n "$LIB_BR" link set vn2 master br0 up
	ip -n "${LIB_PREFIX}n2" addr add 198.51.100.2/24 dev eth0
	ip -n "${LIB_PREFIX}n2" link set eth0 up
}

lib_vrrp_start n1 prio=100
lib_wait_state n1 MASTER 5
lib_vrrp_start n2 prio=200
lib_wait_state n2 FAULT 3
lib_assert_log n2 'eth0 does not exist'
lib_assert_holders $VIP n1

lib_log "--- eth0 appears in n2: it joins and preempts"
lib_log_mark n2
plug_n2
lib_wait_state n2 BACKUP 3
lib_wait_state n2 MASTER 5
lib_wait_holders $VIP n2 3
lib_wait_state n1 BACKUP 3

lib_log "--- n2's eth0 is deleted: FAULT, n1 takes over"
lib_log_mark n2
ip -n "${LIB_PREFIX}n2" link del eth0
lib_wait_state n2 FAULT 3
lib_wait_state n1 MASTER 5
lib_wait_holders $VIP n1 3
lib_assert_running n2

lib_log "--- eth0 is re-created (new ifindex): n2 is back"
lib_log_mark n2
plug_n2
lib_wait_state n2 BACKUP 3
lib_wait_state n2 MASTER 5
lib_wait_holders $VIP n2 3
lib_assert_running n2
lib_pass
