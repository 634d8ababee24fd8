# shellcheck shell=sh
#
#	agent-lib.sh: what hamgr's health-check agents share.
#
# Description:	Sourced by check-ping, check-tcp, check-http and
#		check-mysql from their own directory (it is not run by
#		itself). An agent sets
#		AGENT_LABEL (the first word of its status line, such as
#		PING) and defines usage(); then it reports with
#		agent_exit STATE MESSAGE, which prints the one status line
#		of a Nagios plugin and exits with its code:
#		  OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3
#		hamgr tracks read 0 as healthy, anything else as failing.

# agent_exit STATE MESSAGE...: "LABEL STATE - MESSAGE", then exit.
agent_exit() {
	_state=$1
	shift
	echo "$AGENT_LABEL $_state - $*"
	case $_state in
	OK) exit 0 ;;
	WARNING) exit 1 ;;
	CRITICAL) exit 2 ;;
	*) exit 3 ;;
	esac
}

# A mistake on the command line: usage on stderr, UNKNOWN.
agent_usage_error() {
	usage >&2
	agent_exit UNKNOWN "$*"
}

# --help or -h as the first argument: usage on stdout, exit 0.
agent_help() {
	case ${1:-} in
	--help | -h)
		usage
		exit 0
		;;
	esac
}

# A whole number above 0.
agent_is_count() {
	case $1 in
	'' | *[!0-9]* | 0*) return 1 ;;
	esac
	return 0
}

# A number of seconds above 0, decimals allowed ("0.5": ping, timeout
# and curl all take them).
agent_is_secs() {
	case $1 in
	'' | . | *.*.* | *[!0-9.]*) return 1 ;;
	esac
	case $1 in
	*[1-9]*) return 0 ;;
	esac
	return 1
}

# Monotonic enough for a response time: milliseconds of the wall clock
# (GNU date), empty where date cannot give them.
agent_now_ms() {
	_ns=$(date +%s%N 2>/dev/null)
	case $_ns in
	'' | *[!0-9]*) echo "" ;;
	*) echo $((_ns / 1000000)) ;;
	esac
}

# "0.012" seconds from two agent_now_ms values; empty if either is.
agent_elapsed() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	_ms=$(($2 - $1))
	printf '%d.%03d' $((_ms / 1000)) $((_ms % 1000))
}
