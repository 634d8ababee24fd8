# shellcheck shell=bash
# lib_web.sh: Apache and HAProxy in the netns scenarios, on top of lib.sh
# (source lib.sh first). Real Debian apache2 and haproxy run inside the
# node namespaces, started by the resource scripts in resource-scripts/,
# each with its own config, pid file and sockets under $LIB_TMP/NODE.web/,
# so lib.sh's trap kills them with everything else in the namespaces.
#
# Apache's workers run as www-data and cannot read the (0700) log
# directory: the document roots live in $WEB_DIR, a 0755 directory made
# here and removed on exit.

# shellcheck disable=SC2034 # used by the scenarios
WEB_APACHE=$LIB_ROOT/resource-scripts/apache
# shellcheck disable=SC2034
WEB_HAPROXY=$LIB_ROOT/resource-scripts/haproxy
WEB_DIR=""

# The document roots' directory, world-readable; removed on exit before
# lib.sh's cleanup runs (its exit status is kept).
web_dir_init() {
	WEB_DIR=$(mktemp -d /tmp/hamgr-web.XXXXXX) || lib_fail "mktemp"
	chmod 755 "$WEB_DIR"
	trap web_cleanup EXIT
}
web_cleanup() {
	local rc=$?
	[ -n "$WEB_DIR" ] && rm -rf "$WEB_DIR"
	(exit "$rc")
	lib_cleanup
}

# web_apache_conf NODE: an instance config for NODE's Apache in
# $LIB_TMP/NODE.web/apache2.conf, Listen 80 on every address, its page
# "served by NODE", /server-status for the monitor. Prints the params
# for the apache resource script.
web_apache_conf() {
	local n=$1 d=$LIB_TMP/$1.web
	mkdir -p "$d/run" "$WEB_DIR/$n"
	echo "served by $n" >"$WEB_DIR/$n/index.html"
	chmod 755 "$WEB_DIR/$n"
	chmod 644 "$WEB_DIR/$n/index.html"
	cat >"$d/apache2.conf" <<-CONF
		# Apache for $n (t_${LIB_NAME#t_}), started by resource-scripts/apache
		ServerName $n
		Listen 80
		PidFile $d/apache2.pid
		DefaultRuntimeDir $d/run
		ErrorLog $d/error.log
		LogLevel warn
		User www-data
		Group www-data
		LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
		LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
		LoadModule authz_host_module /usr/lib/apache2/modules/mod_authz_host.so
		LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
		LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
		LoadModule status_module /usr/lib/apache2/modules/mod_status.so
		TypesConfig /etc/mime.types
		StartServers 1
		ServerLimit 2
		ThreadsPerChild 8
		MinSpareThreads 4
		MaxSpareThreads 16
		MaxRequestWorkers 16
		KeepAlive Off
		DocumentRoot $WEB_DIR/$n
		DirectoryIndex index.html
		<Directory />
		    Require all granted
		</Directory>
		<Location /server-status>
		    SetHandler server-status
		    Require ip 127.0.0.1
		</Location>
	CONF
	echo "\"config=$d/apache2.conf\", \"pidfile=$d/apache2.pid\", \"statusurl=http://127.0.0.1/server-status?auto\", \"start_timeout=8\", \"stop_timeout=3\", \"monitor_timeout=2\""
}

# web_apache_pids NODE: Apache's processes in NODE's namespace.
web_apache_pids() {
	local p out=""
	for p in $(ip netns pids "$LIB_PREFIX$1" 2>/dev/null); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = apache2 ] && out+=" $p"
	done
	echo "${out# }"
}

# web_fetch CLIENT URL: one bounded fetch; prints the body (or nothing).
web_fetch() {
	lib_exec "$1" curl -q -s --noproxy '*' --connect-timeout 1 --max-time 2 -- "$2" 2>/dev/null
}

# web_served_by CLIENT URL NODE: true when URL's page names NODE.
web_served_by() {
	[ "$(web_fetch "$1" "$2")" = "served by $3" ]
}

# web_wait_served CLIENT URL NODE TIMEOUT_S: poll until NODE serves URL.
web_wait_served() {
	lib_poll "$4" web_served_by "$1" "$2" "$3" ||
		lib_fail "$2 is not served by $3 after $4 s (answer: '$(web_fetch "$1" "$2")')"
	lib_log "$2: served by $3"
}

# web_client_start CLIENT URL SECS: fetch URL from CLIENT every 0.2 s for
# at most SECS (and 1000 fetches) in the background; one line per fetch
# in $LIB_TMP/client.log: "MS ANSWER" (ANSWER "-" when none).
web_client_start() {
	local c=$1 url=$2 secs=$3
	: >"$LIB_TMP/client.log"
	(
		trap - EXIT
		end=$(($(lib_now_ms) + secs * 1000))
		for ((i = 0; i < 1000; i++)); do
			[ "$(lib_now_ms)" -ge "$end" ] && break
			[ -e "$LIB_TMP/client.stop" ] && break
			a=$(web_fetch "$c" "$url" | head -n 1)
			echo "$(lib_ms) ${a:--}" >>"$LIB_TMP/client.log"
			sleep 0.2
		done
	) &
	WEB_CLIENT=$!
	LIB_BG+=("$WEB_CLIENT")
}

web_client_has() {
	tail -n 1 "$LIB_TMP/client.log" | grep -qF -- "$1"
}

# web_client_wait ANSWER TIMEOUT_S: until the client's last fetch got ANSWER.
web_client_wait() {
	lib_poll "$2" web_client_has "$1" ||
		lib_fail "the client's last answer is '$(tail -n 1 "$LIB_TMP/client.log")', not '$1', after $2 s"
}

# Stop the client; prints a summary ("answers by node, failures").
web_client_stop() {
	local i
	: >"$LIB_TMP/client.stop"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$WEB_CLIENT" 2>/dev/null || break
		sleep 0.05
	done
	kill "$WEB_CLIENT" 2>/dev/null
	wait "$WEB_CLIENT" 2>/dev/null
	rm -f "$LIB_TMP/client.stop"
	awk '{ $1 = ""; sub(/^ /, ""); c[$0]++ } END { for (k in c) printf "%s: %d; ", k, c[k] }' \
		"$LIB_TMP/client.log"
}

# ---------------------------------------------------------------- HAProxy

WEB_TCP=$LIB_ROOT/test/netns/scripts/tcp-hold

# web_haproxy_conf NODE BACKEND [EXTRA] [BIND]: a TCP proxy config for
# NODE's HAProxy in $LIB_TMP/NODE.web/haproxy.cfg: BIND (default :8000)
# to BACKEND:7000, old workers ended 60 s after a reload at the latest;
# EXTRA appended as is.
# Prints the params for the haproxy resource script.
web_haproxy_conf() {
	local n=$1 be=$2 extra=${3:-} bind=${4:-:8000} d=$LIB_TMP/$1.web
	mkdir -p "$d"
	cat >"$d/haproxy.cfg" <<-CONF
		# HAProxy for $n ($LIB_NAME), started by resource-scripts/haproxy
		global
		    maxconn 2000
		    hard-stop-after 60s
		defaults
		    mode tcp
		    timeout connect 2s
		    timeout client 60s
		    timeout server 60s
		frontend echo
		    bind $bind
		    default_backend echo
		backend echo
		    server be $be:7000
		$extra
	CONF
	echo "\"config=$d/haproxy.cfg\", \"pidfile=$d/haproxy.pid\", \"master_socket=$d/master.sock\", \"start_timeout=8\", \"stop_timeout=3\""
}

# web_params_env PARAMS: the params line web_*_conf prints as
# HAMGR_PARAM_name=value words (in WEB_ENV), to run a script as hamgr would.
web_params_env() {
	local kv
	WEB_ENV=()
	for kv in $(tr -d '",' <<<"$1"); do WEB_ENV+=("HAMGR_PARAM_$kv"); done
}

# web_tcp_server NODE ADDR: the echo server on ADDR:7000 in NODE.
web_tcp_server() {
	lib_exec "$1" timeout 200 "$WEB_TCP" serve "$2" 7000 --for 180 \
		>>"$LIB_TMP/$1.tcp.log" 2>&1 &
	LIB_BG+=("$!")
}

# web_ask CLIENT ADDR PORT: which proxy the connection came through
# ("peer=IP"), or an error line.
web_ask() {
	lib_exec "$1" timeout 5 "$WEB_TCP" ask "$2" "$3" 2>&1
}
