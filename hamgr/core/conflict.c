/* conflict: alarm state, probe schedule and rate limits (conflict.h). */
#include "core/conflict.h"

#include <stdio.h>
#include <string.h>

static const uint8_t zero_mac[CONFLICT_MAC_LEN];

const char *conflict_kind_str(enum conflict_kind k)
{
	switch (k) {
	case CONFLICT_ADDR: return "conflict";
	case CONFLICT_PEER: return "misconfigured_peer";
	case CONFLICT_VIP_MISSING: return "vip_missing";
	}
	return "?";
}

const char *conflict_reason_str(enum conflict_reason r)
{
	switch (r) {
	case CONFLICT_R_INTERVAL_FAR: return "interval_far";
	case CONFLICT_R_OTHER_VRID: return "other_vrid";
	case CONFLICT_R_AUTH: return "auth";
	case CONFLICT_R_NONE: break;
	}
	return "?";
}

const char *conflict_mac_str(const uint8_t mac[CONFLICT_MAC_LEN], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

void conflict_init(struct conflict *c)
{
	memset(c, 0, sizeof(*c));
	c->quiet_us = CONFLICT_QUIET_MIN_US;
}

void conflict_set_mdi(struct conflict *c, uint64_t mdi_us)
{
	c->quiet_us = 3 * mdi_us > CONFLICT_QUIET_MIN_US ? 3 * mdi_us : CONFLICT_QUIET_MIN_US;
}

/* ---- the table ---------------------------------------------------------- */

static void remove_at(struct conflict *c, size_t i)
{
	memmove(&c->alarm[i], &c->alarm[i + 1], (c->n - i - 1) * sizeof(c->alarm[0]));
	c->n--;
}

static struct conflict_alarm *find(struct conflict *c, enum conflict_kind kind,
				   const struct ipaddr *addr, const uint8_t *mac,
				   enum conflict_reason reason)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct conflict_alarm *a = &c->alarm[i];

		if (a->kind != kind || !ipaddr_eq(&a->addr, addr))
			continue;
		if (kind == CONFLICT_ADDR && memcmp(a->mac, mac, CONFLICT_MAC_LEN) != 0)
			continue;
		if (kind == CONFLICT_PEER && a->reason != reason)
			continue;
		return a;
	}
	return NULL;
}

/* A fresh entry; a full table gives up the alarm heard of least recently
 * (a VIP still missing last). */
static struct conflict_alarm *add(struct conflict *c, enum conflict_kind kind,
				  const struct ipaddr *addr, uint64_t now)
{
	struct conflict_alarm *a;
	size_t i, victim = 0;

	if (c->n == CONFLICT_ALARMS_MAX) {
		for (i = 1; i < c->n; i++) {
			const struct conflict_alarm *v = &c->alarm[victim], *x = &c->alarm[i];

			if (x->missing != v->missing ? !x->missing : x->last < v->last)
				victim = i;
		}
		remove_at(c, victim);
	}
	a = &c->alarm[c->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->addr = *addr;
	a->since = now;
	return a;
}

/* Count one piece of evidence and decide whether to warn. */
static struct conflict_note evidence(struct conflict_alarm *a, uint64_t now, bool raised)
{
	struct conflict_note n = { .alarm = a, .raised = raised };

	a->count++;
	a->last = now;
	if (raised || !a->logged_at || now - a->logged_at >= CONFLICT_LOG_US) {
		n.log = true;
		n.unlogged = a->unlogged;
		a->unlogged = 0;
		a->logged_at = now;
	} else {
		a->unlogged++;
	}
	return n;
}

/* ---- probes and answers ------------------------------------------------- */

void conflict_hold(struct conflict *c, uint64_t now, bool holding)
{
	size_t i;

	if (holding == c->holding)
		return;
	c->holding = holding;
	c->next_probe = holding ? now + CONFLICT_PROBE_FIRST_US : 0;
	if (holding)
		return;
	for (i = c->n; i-- > 0;)
		if (c->alarm[i].kind == CONFLICT_VIP_MISSING)
			remove_at(c, i);
}

bool conflict_probe_due(const struct conflict *c, uint64_t now)
{
	return c->holding && c->next_probe && now >= c->next_probe;
}

void conflict_probed(struct conflict *c, uint64_t now, uint32_t rnd)
{
	c->last_probe = now;
	c->next_probe = now + CONFLICT_PROBE_PERIOD_US - CONFLICT_PROBE_JITTER_US +
			rnd % (2 * CONFLICT_PROBE_JITTER_US + 1);
}

/* Bring the next round forward to confirm a claim: soon, but never
 * closer than the gap to the last one. */
static void probe_soon(struct conflict *c, uint64_t now)
{
	uint64_t t = now + CONFLICT_CONFIRM_US;

	if (c->last_probe && t < c->last_probe + CONFLICT_PROBE_GAP_US)
		t = c->last_probe + CONFLICT_PROBE_GAP_US;
	if (!c->next_probe || t < c->next_probe)
		c->next_probe = t;
}

static bool is_vip(const struct ipaddr *a, const struct ipaddr *vips, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ipaddr_eq(a, &vips[i]))
			return true;
	return false;
}

void conflict_learn(struct conflict *c, uint64_t now, const struct conflict_claim *cl,
		    const struct ipaddr *vips, size_t n_vips)
{
	const struct ipaddr *addr = !is_vip(&cl->addr, vips, n_vips) ? &cl->addr
				    : cl->from.family && !is_vip(&cl->from, vips, n_vips)
				    ? &cl->from : NULL;
	struct conflict_mac *slot = &c->macs[0];
	size_t i;

	if (!addr || !addr->family || !memcmp(cl->mac, zero_mac, CONFLICT_MAC_LEN))
		return;
	for (i = 0; i < CONFLICT_MACS_MAX; i++) {
		if (!memcmp(c->macs[i].mac, cl->mac, CONFLICT_MAC_LEN) && c->macs[i].seen) {
			slot = &c->macs[i];
			break;
		}
		if (c->macs[i].seen < slot->seen)
			slot = &c->macs[i];
	}
	memcpy(slot->mac, cl->mac, CONFLICT_MAC_LEN);
	slot->addr = *addr;
	slot->seen = now;
}

static const struct ipaddr *learnt(const struct conflict *c, const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < CONFLICT_MACS_MAX; i++)
		if (c->macs[i].seen && !memcmp(c->macs[i].mac, mac, CONFLICT_MAC_LEN))
			return &c->macs[i].addr;
	return NULL;
}

struct conflict_note conflict_seen(struct conflict *c, uint64_t now,
				   const struct conflict_claim *cl,
				   const uint8_t ours[CONFLICT_MAC_LEN],
				   const struct ipaddr *vips, size_t n_vips, bool peer_releasing)
{
	struct conflict_note none = { 0 };
	struct conflict_alarm *a;
	const struct ipaddr *from;
	bool raised = false;

	if (!c->holding || !is_vip(&cl->addr, vips, n_vips) ||
	    !memcmp(cl->mac, ours, CONFLICT_MAC_LEN) ||
	    !memcmp(cl->mac, zero_mac, CONFLICT_MAC_LEN))
		return none;
	if (!cl->answer || !c->last_probe || now - c->last_probe > CONFLICT_ANSWER_US ||
	    peer_releasing) {
		probe_soon(c, now);
		return none;
	}
	a = find(c, CONFLICT_ADDR, &cl->addr, cl->mac, CONFLICT_R_NONE);
	if (!a) {
		a = add(c, CONFLICT_ADDR, &cl->addr, now);
		memcpy(a->mac, cl->mac, CONFLICT_MAC_LEN);
		a->period = CONFLICT_PROBE_PERIOD_US + CONFLICT_PROBE_JITTER_US;
		raised = true;
	}
	from = cl->from.family && !ipaddr_eq(&cl->from, &cl->addr) ? &cl->from
								    : learnt(c, cl->mac);
	if (from && !is_vip(from, vips, n_vips))
		a->from = *from;
	c->stats.conflicts++;
	return evidence(a, now, raised);
}

/* ---- misconfigured peers ------------------------------------------------ */

struct conflict_note conflict_peer(struct conflict *c, uint64_t now, const struct ipaddr *peer,
				   enum conflict_reason reason, const char *detail,
				   uint64_t period_us)
{
	struct conflict_alarm *a = find(c, CONFLICT_PEER, peer, NULL, reason);
	bool raised = !a;

	if (!a) {
		a = add(c, CONFLICT_PEER, peer, now);
		a->reason = reason;
	}
	snprintf(a->detail, sizeof(a->detail), "%s", detail ? detail : "");
	a->period = period_us;
	c->stats.misconfigured_peer++;
	return evidence(a, now, raised);
}

/* ---- VIPs that vanish --------------------------------------------------- */

/* The re-add the rate limit allows next: now, or when the oldest of the
 * last CONFLICT_READD_MAX leaves the window. */
static uint64_t readd_allowed_at(const struct conflict_alarm *a)
{
	if (a->readded < CONFLICT_READD_MAX)
		return 0;
	return a->readd_at[a->readded % CONFLICT_READD_MAX] + CONFLICT_READD_WINDOW_US;
}

/* A VIP still missing is tried again (its re-add failed, or the limit
 * held it back) once the limit allows, and not sooner than 1 s after the
 * last try. */
static uint64_t retry_at(const struct conflict_alarm *a)
{
	uint64_t t = readd_allowed_at(a), last;

	if (!a->readded)
		return t;
	last = a->readd_at[(a->readded - 1) % CONFLICT_READD_MAX] + CONFLICT_PROBE_GAP_US;
	return last > t ? last : t;
}

static bool try_readd(struct conflict *c, struct conflict_alarm *a, uint64_t now)
{
	if (now < readd_allowed_at(a))
		return false;
	a->readd_at[a->readded % CONFLICT_READD_MAX] = now;
	a->readded++;
	c->stats.vip_readded++;
	return true;
}

struct conflict_note conflict_vip_gone(struct conflict *c, uint64_t now,
				       const struct ipaddr *vip)
{
	struct conflict_note n = { 0 };
	struct conflict_alarm *a;
	bool raised = false;

	if (!c->holding)
		return n;
	a = find(c, CONFLICT_VIP_MISSING, vip, NULL, CONFLICT_R_NONE);
	if (!a) {
		a = add(c, CONFLICT_VIP_MISSING, vip, now);
		raised = true;
	}
	a->missing = true;
	n = evidence(a, now, raised);
	n.readd = try_readd(c, a, now);
	if (!n.readd && !a->limit_told) {
		a->limit_told = true;
		n.limited = true;
	}
	return n;
}

void conflict_vip_back(struct conflict *c, const struct ipaddr *vip)
{
	struct conflict_alarm *a = find(c, CONFLICT_VIP_MISSING, vip, NULL, CONFLICT_R_NONE);

	if (a)
		a->missing = false;
}

const struct conflict_alarm *conflict_vip_retry(struct conflict *c, uint64_t now)
{
	size_t i;

	for (i = 0; c->holding && i < c->n; i++) {
		struct conflict_alarm *a = &c->alarm[i];

		if (a->kind == CONFLICT_VIP_MISSING && a->missing && now >= retry_at(a) &&
		    try_readd(c, a, now))
			return a;
	}
	return NULL;
}

/* ---- clearing and timing ------------------------------------------------ */

static uint64_t expires_at(const struct conflict *c, const struct conflict_alarm *a)
{
	return a->last + (2 * a->period > c->quiet_us ? 2 * a->period : c->quiet_us);
}

static bool expired(const struct conflict *c, const struct conflict_alarm *a, uint64_t now)
{
	if (a->kind == CONFLICT_VIP_MISSING && a->missing)
		return false;
	return now >= expires_at(c, a);
}

size_t conflict_expire(struct conflict *c, uint64_t now, struct conflict_alarm *cleared,
		       size_t max)
{
	size_t i = 0, k = 0;

	while (i < c->n && k < max) {
		if (expired(c, &c->alarm[i], now)) {
			cleared[k++] = c->alarm[i];
			remove_at(c, i);
		} else {
			i++;
		}
	}
	return k;
}

static void earliest(uint64_t *d, uint64_t t)
{
	if (t && (!*d || t < *d))
		*d = t;
}

uint64_t conflict_next_deadline(const struct conflict *c)
{
	uint64_t d = 0;
	size_t i;

	if (c->holding)
		earliest(&d, c->next_probe);
	for (i = 0; i < c->n; i++) {
		const struct conflict_alarm *a = &c->alarm[i];

		if (a->kind == CONFLICT_VIP_MISSING && a->missing)
			earliest(&d, c->holding ? retry_at(a) : 0);
		else
			earliest(&d, expires_at(c, a));
	}
	return d;
}

bool conflict_lists_vip(const struct advert *adv, const struct ipaddr *vips, size_t n_vips,
			struct ipaddr *which)
{
	size_t i;

	for (i = 0; i < adv->count && i < ADVERT_MAX_ADDRS; i++)
		if (is_vip(&adv->addrs[i], vips, n_vips)) {
			*which = adv->addrs[i];
			return true;
		}
	return false;
}

bool conflict_lists_vip_sorted(const struct advert *adv, const struct ipaddr *sorted,
			       size_t n, struct ipaddr *which)
{
	size_t i;

	for (i = 0; i < adv->count && i < ADVERT_MAX_ADDRS; i++) {
		size_t lo = 0, hi = n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = ipaddr_cmp(&sorted[mid], &adv->addrs[i]);

			if (c == 0) {
				*which = adv->addrs[i];
				return true;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return false;
}

/* ---- wire --------------------------------------------------------------- */

#define ARP_LEN     28          /* Ethernet/IPv4 ARP without the frame */
#define NA_LEN      24          /* ICMPv6 header, flags, target */
#define NA_TYPE     136
#define NA_SOLICITED 0x40
#define OPT_TLLA    2

bool conflict_parse_arp(const uint8_t *b, size_t len, struct conflict_claim *out)
{
	static const uint8_t head[6] = { 0, 1, 0x08, 0x00, 6, 4 }; /* Ethernet, IPv4, 6, 4 */
	static const uint8_t any[4];
	unsigned op;

	if (len < ARP_LEN || memcmp(b, head, sizeof(head)) != 0)
		return false;
	op = (unsigned)b[6] << 8 | b[7];
	if ((op != 1 && op != 2) || !memcmp(b + 14, any, 4))
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out->mac, b + 8, CONFLICT_MAC_LEN);
	ipaddr_from_bytes(&out->addr, IPADDR_V4, b + 14);
	out->answer = op == 2 && !memcmp(b + 24, any, 4);
	return true;
}

bool conflict_parse_na(const uint8_t *b, size_t len, const struct ipaddr *src,
		       struct conflict_claim *out)
{
	size_t off = NA_LEN;

	if (len < NA_LEN || b[0] != NA_TYPE || b[1] != 0 || b[8] == 0xff)
		return false;
	while (off + 2 <= len) {
		size_t olen = (size_t)b[off + 1] * 8;

		if (olen == 0 || off + olen > len)
			return false;
		if (b[off] == OPT_TLLA && olen >= 2 + CONFLICT_MAC_LEN) {
			memset(out, 0, sizeof(*out));
			memcpy(out->mac, b + off + 2, CONFLICT_MAC_LEN);
			ipaddr_from_bytes(&out->addr, IPADDR_V6, b + 8);
			if (src && src->family == IPADDR_V6)
				out->from = *src;
			out->answer = (b[4] & NA_SOLICITED) != 0;
			return true;
		}
		off += olen;
	}
	return false;
}
