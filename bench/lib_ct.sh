# shellcheck shell=bash
# lib_ct.sh: shared pieces of the conntrack-sync benchmarks. The drivers
# (ctsync.sh, ctstall.sh) use ct_bench_run; the runs (ctsync_run.sh,
# ctstall_run.sh) ctd_conf, for Debian's conntrackd (conntrack-tools) on
# the firewalls of test/netns/lib_ctsync.sh's topology (source it after
# lib_ctsync.sh there).

# ct_bench_run LOG DESC CMD...: one run, CMD's output to LOG.out; its last
# RESULT line in CT_LINE. Non-zero (and a line naming DESC) when CMD
# failed or printed no RESULT line.
ct_bench_run() {
	local log=$1 desc=$2 rc
	shift 2
	"$@" >"$log.out" 2>&1
	rc=$?
	CT_LINE=$(grep '^RESULT ' "$log.out" | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$CT_LINE" ]; then
		echo "run $desc: failed (exit $rc), see $log.out"
		return 1
	fi
}

# $LIB_TMP/N.ctd.conf: FTFW over UDP on the sync link (eth2) from ME to
# PEER, every TCP, UDP and ICMP entry but the sync link's own.
ctd_conf() {
	local n=$1 me=$2 peer=$3
	cat >"$LIB_TMP/$n.ctd.conf" <<-EOF
		Sync {
			Mode FTFW {
			}
			UDP {
				IPv4_address $me
				IPv4_Destination_Address $peer
				Port 3781
				Interface eth2
				SndSocketBuffer 24985600
				RcvSocketBuffer 24985600
				Checksum on
			}
		}
		General {
			HashSize 262144
			HashLimit 1048576
			LogFile $LIB_TMP/$n.ctd.log
			Syslog off
			LockFile $LIB_TMP/$n.ctd.lock
			UNIX {
				Path $LIB_TMP/$n.ctd.ctl
			}
			NetlinkBufferSize 2097152
			NetlinkBufferSizeMaxGrowth 134217728
			NetlinkEventsReliable On
			Filter From Userspace {
				Protocol Accept {
					TCP
					UDP
					ICMP
				}
				Address Ignore {
					IPv4_address 127.0.0.1
					IPv4_address 192.0.2.2
					IPv4_address 192.0.2.3
				}
			}
		}
	EOF
}
