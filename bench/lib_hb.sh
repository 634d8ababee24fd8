# shellcheck shell=bash
# lib_hb.sh: hamgr with protocol "hamgr" in the benches (the implementation
# "hamgr-hb" of failover_run.sh and starvation_run.sh): the same daemon as
# "hamgr", with one shared key and one line more per instance. Needs lib.sh
# (LIB_TMP, LIB_HAMGR, lib_fail).
#
#   hb_bench_key           $LIB_TMP/authkey: one key from `hamgr --genkey`,
#                          0600 (hamgr refuses anything looser); made once
#                          per run, both nodes read the same file. Call it
#                          in the run's shell, not in $(...), so that a
#                          failure stops the run.
#   hb_bench_global        the global config lines (auth-key-file)
#   hb_bench_instance      the instance config lines (protocol = "hamgr"),
#                          indented as the benches' instance blocks
#   HB_BENCH_PORT          the heartbeats' UDP port (hamgr's default)

# shellcheck disable=SC2034 # read by failover_run.sh
HB_BENCH_PORT=694

hb_bench_key() {
	[ -s "$LIB_TMP/authkey" ] && return 0
	(umask 077 && "$LIB_HAMGR" --genkey >"$LIB_TMP/authkey") ||
		lib_fail "hamgr --genkey failed"
}

hb_bench_global() {
	printf 'auth-key-file = "%s"\n' "$LIB_TMP/authkey"
}

hb_bench_instance() {
	printf '    protocol = "hamgr"\n'
}
