# analyze.awk: the verdict of a chaos run (test/chaos/chaos.sh).
#
# Input, sorted by time (microseconds, wall clock): vipwatch's lines, which
# chaos.sh prefixes with W ("US W NODE 0|1"), and chaos.sh's timeline:
#   US F ID KIND TARGET DETAIL DUR_MS   a fault starts
#   US L NODE 0|1                       NODE's daemon is live (runs, not
#                                       stopped, link up) or not
#   US PB ID / US PE ID                 a partition begins / is healed
#   US XB ID / US XE ID                 packet loss begins / ends
#   US H ID                             the fault is healed
#   US C ID ok|stuck HOLDERS            converged, or not within the limit
#   US R ID MS|never                    a stuck cluster recovered (or not)
#   US G ID GAP_MS LOST SENT            the client probe of the fault
#   US E ID                             the fault's settle pause is over
#   US END
# Variables: nodes ("n1 n2 n3"), policy (quorum|none), dual_ms (allowed
# length of a double holding outside what the policy allows), converge_s,
# only (a fault id: print that fault's line only; empty: every line, the
# episodes, the violations and the summary), t0 (run start, us).
#
# A holder is live when its node is (L lines); a dead, stopped or cut-off
# node keeps its VIP in the kernel but answers nothing the cluster decides.
# A dual episode is a stretch of time with two or more live holders. Its
# verdict:
#   policy quorum: VIOLATION if it starts inside a partition (quorum-nodes
#     promises at most one master on any side), else VIOLATION if it lasts
#     longer than dual_ms, else "brief" (a handover in the open: the old
#     master drops the VIP when the new one's first advert arrives).
#   policy none: inside a partition or packet loss "allowed" (no quorum, no
#     witness: each side elects its own master by design), but VIOLATION if
#     it lasts more than dual_ms after the heal; elsewhere as for quorum.
# Samples: the 20 ms grid points an episode covers (a perfect sampler at
# 50 Hz), for comparison with lib_sampler_check's counts.

function nlive(   i, c) {
	c = 0
	for (i = 1; i <= nn; i++)
		if (held[N[i]] && live[N[i]])
			c++
	return c
}
function livenames(   i, s) {
	s = ""
	for (i = 1; i <= nn; i++)
		if (held[N[i]] && live[N[i]])
			s = s (s == "" ? "" : "+") N[i]
	return s
}
# Holders, a star on the ones that are not live; "-" for none.
function view(   i, s) {
	s = ""
	for (i = 1; i <= nn; i++)
		if (held[N[i]])
			s = s (s == "" ? "" : "+") N[i] (live[N[i]] ? "" : "*")
	return s == "" ? "-" : s
}
function ms(us) { return int(us / 1000 + 0.5) }
function rel(us) { return sprintf("+%.3fs", (us - t0) / 1e6) }
function ceil_div(a, g) { return int((a + g - 1) / g) }
function violate(t, fid, text) {
	nviol++
	viol[nviol] = sprintf("%s fault #%d (%s %s): %s", rel(t), fid, kind[fid], tgt[fid], text)
	vcount[fid]++
}
function close_ep(t,   d, s, verdict, over) {
	d = ms(t - ep_t)
	s = ceil_div(t, 20000) - ceil_div(ep_t, 20000)
	ndual[ep_f]++
	dsamp[ep_f] += s
	if (d > dmax[ep_f])
		dmax[ep_f] = d
	tot_ep++
	tot_samp += s
	if (d > tot_dmax)
		tot_dmax = d
	if (policy == "quorum") {
		if (ep_part) {
			verdict = "VIOLATION"
			violate(ep_t, ep_f, sprintf("live holders %s at once during a partition, %d ms", ep_nodes, d))
		} else if (d > dual_ms) {
			verdict = "VIOLATION"
			violate(ep_t, ep_f, sprintf("live holders %s at once for %d ms (more than %d ms)", ep_nodes, d, dual_ms))
		} else
			verdict = "brief"
	} else {
		if (ep_part || ep_loss) {
			over = ep_heal ? ms(t - ep_heal) : 0
			if (over > dual_ms) {
				verdict = "VIOLATION"
				violate(ep_t, ep_f, sprintf("live holders %s at once still %d ms after the heal (more than %d ms)", ep_nodes, over, dual_ms))
			} else
				verdict = "allowed"
		} else if (d > dual_ms) {
			verdict = "VIOLATION"
			violate(ep_t, ep_f, sprintf("live holders %s at once for %d ms (more than %d ms)", ep_nodes, d, dual_ms))
		} else
			verdict = "brief"
	}
	nverd[verdict]++
	nep++
	eps[nep] = sprintf("  %s fault #%d %-5s %-12s %5d ms, %3d samples  %s%s", rel(ep_t), ep_f, kind[ep_f], ep_nodes, d, s, verdict,
		ep_part ? " (in a partition)" : (ep_loss ? " (in packet loss)" : ""))
	ep = 0
}
function update(t,   c, v) {
	c = nlive()
	v = view()
	if (v != lastview) {
		if (nseq[f] < 14)
			seq[f] = seq[f] (seq[f] == "" ? "" : ">") v
		else if (nseq[f] == 14)
			seq[f] = seq[f] ">..."
		nseq[f]++
		lastview = v
		lastchg = t
	}
	if (c >= 2 && !ep) {
		ep = 1; ep_t = t; ep_f = f; ep_part = part; ep_loss = lossw; ep_heal = 0
		ep_nodes = livenames()
	} else if (c >= 2 && ep) {
		if (length(livenames()) > length(ep_nodes))
			ep_nodes = livenames()
	} else if (c < 2 && ep)
		close_ep(t)
	if (c == 0 && !gap) {
		gap = 1; gap_t = t; gap_f = f
	} else if (c > 0 && gap)
		close_gap(t)
}
function close_gap(t,   d) {
	d = ms(t - gap_t)
	if (d > nmax[gap_f])
		nmax[gap_f] = d
	gap = 0
}
function fault_line(i,   c, g) {
	c = conv[i] == "" ? "-" : conv[i]
	g = pgap[i] == "" ? "-" : pgap[i]
	return sprintf("#%-3d %9s %-4s %-4s %-24s %6d %7s  dual %2d/%3d/%5d %12d %6s  %s%s",
		i, rel(tf[i]), kind[i], tgt[i], det[i], dur[i], c, ndual[i] + 0, dsamp[i] + 0, dmax[i] + 0,
		nmax[i] + 0, g, seq[i], vcount[i] ? "  VIOLATION" : "")
}
function median(arr, n,   i, j, x) {
	for (i = 2; i <= n; i++) {
		x = arr[i]
		for (j = i - 1; j >= 1 && arr[j] > x; j--)
			arr[j + 1] = arr[j]
		arr[j + 1] = x
	}
	if (n == 0)
		return "-"
	return n % 2 ? arr[(n + 1) / 2] : int((arr[n / 2] + arr[n / 2 + 1]) / 2)
}

BEGIN {
	nn = split(nodes, N, " ")
	for (i = 1; i <= nn; i++) {
		live[N[i]] = 1
		held[N[i]] = 0
	}
	f = 0
	kind[0] = "setup"; tgt[0] = "-"
	lastview = ""
}
$2 == "W" {
	if ($4 == "0" || $4 == "1") {
		held[$3] = $4 + 0
		update($1)
	}
	next
}
$2 == "L" { live[$3] = $4 + 0; update($1); next }
$2 == "F" {
	if (gap)
		close_gap($1)
	f = $3 + 0
	nf = f
	tf[f] = $1; kind[f] = $4; tgt[f] = $5; det[f] = $6; dur[f] = $7
	nkind[$4]++
	seq[f] = view()
	lastview = seq[f]
	if (nlive() == 0) {
		gap = 1; gap_t = $1; gap_f = f
	}
	next
}
$2 == "PB" { part = 1; next }
$2 == "XB" { lossw = 1; next }
$2 == "PE" || $2 == "XE" {
	if ($2 == "PE") part = 0; else lossw = 0
	if (ep && (ep_part || ep_loss) && !ep_heal)
		ep_heal = $1
	next
}
$2 == "H" { th[$3] = $1; lastchg = 0; next }
$2 == "C" {
	id = $3 + 0
	if ($4 == "ok") {
		conv[id] = lastchg > th[id] ? ms(lastchg - th[id]) : 0
		nconv++
		cv[nconv] = conv[id]
	} else {
		conv[id] = "stuck"
		holders = ""
		for (k = 5; k <= NF; k++)
			holders = holders " " $k
		violate($1, id, sprintf("no single master %d s after the heal (holders:%s)", converge_s, holders == "" ? " none" : holders))
	}
	next
}
$2 == "R" {
	id = $3 + 0
	nrec++
	rec[nrec] = sprintf("  fault #%d: the cluster %s", id, $4 == "never" ? "never converged again" : "converged " $4 " ms after the heal")
	next
}
$2 == "G" {
	id = $3 + 0
	pgap[id] = $4 + 0
	plost[id] = $5; psent[id] = $6
	if ($4 + 0 > gmax) {
		gmax = $4 + 0
		gmax_f = id
	}
	# Under quorum a 1|1|1 split leaves no majority anywhere: no master
	# is the promise there, so its outage is reported apart.
	if (!(policy == "quorum" && det[id] == "1|1|1") && $4 + 0 > gmax2) {
		gmax2 = $4 + 0
		gmax2_f = id
	}
	if ($4 + 0 > kgmax[kind[id]])
		kgmax[kind[id]] = $4 + 0
	tot_lost += $5; tot_sent += $6
	next
}
$2 == "E" { ended[$3 + 0] = 1; next }
$2 == "END" { tend = $1; next }
END {
	if (tend == "")
		tend = $1
	if (ep)
		close_ep(tend)
	if (gap)
		close_gap(tend)
	if (only != "") {
		print fault_line(only + 0)
		exit
	}
	for (i = 1; i <= nf; i++)
		print fault_line(i)
	print ""
	print "dual-holder episodes (two or more live holders):"
	if (nep == 0)
		print "  none"
	for (i = 1; i <= nep; i++)
		print eps[i]
	print ""
	printf "faults: %d in %.0f s:", nf, (tend - t0) / 1e6
	for (k in nkind)
		printf " %s %d", k, nkind[k]
	print ""
	printf "dual holders: %d episodes, %d samples (20 ms grid), longest %d ms; brief %d, allowed by policy %d, violations %d\n",
		tot_ep, tot_samp, tot_dmax, nverd["brief"], nverd["allowed"], nverd["VIOLATION"]
	printf "longest unserved gap (probe): %s ms in fault #%d (%s %s %s)\n", gmax + 0, gmax_f, kind[gmax_f], tgt[gmax_f], det[gmax_f]
	if (policy == "quorum")
		printf "longest unserved gap outside 1|1|1 splits (no majority, no master by policy): %s ms in fault #%d (%s %s %s)\n",
			gmax2 + 0, gmax2_f, kind[gmax2_f], tgt[gmax2_f], det[gmax2_f]
	printf "longest gap by kind:"
	for (k in kgmax)
		printf " %s %s ms", k, kgmax[k]
	print ""
	printf "probe: %d requests, %d lost (%.2f %%)\n", tot_sent, tot_lost, tot_sent ? 100 * tot_lost / tot_sent : 0
	for (i = 1; i <= nconv; i++)
		cs[i] = cv[i]
	m = median(cs, nconv)
	printf "convergence after the heal: min %s ms, median %s ms, max %s ms (%d faults), stuck %d\n",
		nconv ? cs[1] : "-", m, nconv ? cs[nconv] : "-", nconv, nf - nconv
	for (i = 1; i <= nrec; i++)
		print rec[i]
	print ""
	if (nviol == 0)
		print "violations: none"
	else {
		print "violations: " nviol
		for (i = 1; i <= nviol; i++)
			print "  " viol[i]
	}
}
