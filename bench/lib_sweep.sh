# shellcheck shell=bash
# lib_sweep.sh: what the bench drivers share to clean up after their runs.

# bench_sweep PREFIX: SIGKILL everything left in the network namespaces
# whose names start with PREFIX, then delete them. For a bench that was
# interrupted, or a run killed by its timeout; only the bench's own prefix.
bench_sweep() {
	local ns pids
	[ -n "$1" ] || return 0
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$1"); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # one word per pid
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
