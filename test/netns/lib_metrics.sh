# shellcheck shell=bash
# lib_metrics.sh: checks of `hactl metrics` output for the netns scenarios
# (source lib.sh first).

# Strict check of the Prometheus text exposition format (0.0.4) as hactl
# writes it: every line is a HELP, a TYPE or a sample; each family has one
# HELP and one TYPE before its samples and its samples in one block (a
# summary's NAME_sum and NAME_count belong to NAME); names and labels
# well-formed, label values properly escaped, values numbers; counters end
# in _total and are not negative; no series twice.
check_exposition() {
	local f=$1 bad
	bad=$(grep -Ev -e '^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* [^\\]*$' \
		-e '^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|summary|untyped)$' \
		-e '^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\[\\"n])*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|[+-]Inf)$' \
		"$f" | head -n 3)
	[ -z "$bad" ] || lib_fail "metrics: lines not in the exposition format: $bad"
	bad=$(awk '
		/^# HELP / { if (help[$3]++) { print "second HELP for " $3; exit } next }
		/^# TYPE / {
			if (type[$3]) { print "second TYPE for " $3; exit }
			if (done[$3]) { print "family " $3 " split"; exit }
			type[$3] = $4; if (cur != "") done[cur] = 1; cur = $3
			if ($4 == "counter" && $3 !~ /_total$/) { print "counter " $3 " without _total"; exit }
			next
		}
		{
			name = $1; sub(/\{.*/, "", name)
			if (type[cur] == "summary" && (name == cur "_sum" || name == cur "_count"))
				name = cur
			if (name != cur) { print "sample " name " outside its family block (" cur ")"; exit }
			if (!help[name]) { print "sample " name " without HELP"; exit }
			series = $0; sub(/ [^ ]*$/, "", series)
			if (seen[series]++) { print "series twice: " series; exit }
			if (type[name] ~ /^(counter|summary)$/ && $NF < 0) { print "negative: " $0; exit }
			n++
		}
		END { if (!bad && n == 0) print "no samples" }
	' "$f")
	[ -z "$bad" ] || lib_fail "metrics: $bad"
	lib_log "metrics: $(grep -vc '^#' "$f") samples in $(grep -c '^# TYPE' "$f") families, strict format check passed"
}

# Sample value of a series in $LIB_TMP/metrics (exact text up to the
# value), or "".
metric() {
	awk -v s="$1" 'index($0, s " ") == 1 { print $NF }' "$LIB_TMP/metrics"
}
