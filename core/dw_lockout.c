/*
 * dw_lockout.c: account lockout state (dwLockout) and the in-memory
 * per-address throttle.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dw_lockout.h"

#define LEVEL_MAX	16

void
dw_lockout_init(struct dw_lockout *l)
{
	if (l == NULL)
		return;
	memset(l, 0, sizeof(*l));
}

/*
 * One decimal number without sign or leading zero, at most max, from
 * s[*i..len) up to the next space or the end.
 */
static int
parse_num(const char *s, size_t len, size_t *i, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long	n = 0;
	size_t			start = *i;
	unsigned		d;

	if (start >= len || s[start] < '0' || s[start] > '9')
		return DW_ERR_INVAL;
	if (s[start] == '0' && start + 1 < len && s[start + 1] != ' ')
		return DW_ERR_INVAL;
	for (; *i < len && s[*i] != ' '; (*i)++) {
		if (s[*i] < '0' || s[*i] > '9')
			return DW_ERR_INVAL;
		d = (unsigned)(s[*i] - '0');
		if (n > max / 10 || (n == max / 10 && d > max % 10))
			return DW_ERR_INVAL;
		n = n * 10 + d;
	}
	*out = n;
	return DW_OK;
}

int
dw_lockout_parse(const char *s, size_t len, struct dw_lockout *out)
{
	unsigned long long	v[4];
	static const unsigned long long max[4] = {
		UINT_MAX, INT64_MAX, INT64_MAX, LEVEL_MAX
	};
	struct dw_lockout	l;
	size_t			i = 0, f;

	if (s == NULL || out == NULL || len == 0 ||
	    len >= DW_LOCKOUT_TEXT_MAX)
		return DW_ERR_INVAL;
	for (f = 0; f < 4; f++) {
		if (f > 0) {
			/* Exactly one space between fields. */
			if (i >= len || s[i] != ' ')
				return DW_ERR_INVAL;
			i++;
		}
		if (parse_num(s, len, &i, max[f], &v[f]) != DW_OK)
			return DW_ERR_INVAL;
	}
	if (i != len)
		return DW_ERR_INVAL;
	l.failures = (unsigned)v[0];
	l.first = (int64_t)v[1];
	l.until = (int64_t)v[2];
	l.level = (unsigned)v[3];
	*out = l;
	return DW_OK;
}

int
dw_lockout_format(const struct dw_lockout *l, char *out, size_t outsz)
{
	char	buf[DW_LOCKOUT_TEXT_MAX];
	int	len;

	if (l == NULL || out == NULL || l->first < 0 || l->until < 0 ||
	    l->level > LEVEL_MAX)
		return DW_ERR_INVAL;
	len = snprintf(buf, sizeof(buf), "%u %lld %lld %u", l->failures,
	    (long long)l->first, (long long)l->until, l->level);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return DW_ERR_INVAL;
	if ((size_t)len >= outsz)
		return DW_ERR_TOOLONG;
	memcpy(out, buf, (size_t)len + 1);
	return DW_OK;
}

enum dw_decision
dw_lockout_check(const struct dw_lockout *l, int64_t now)
{
	if (l == NULL)
		return DW_DENY;
	return now < l->until ? DW_DENY : DW_ALLOW;
}

enum dw_decision
dw_lockout_locked(const struct dw_lockout *l, const struct dw_lockout_rules *r,
    int64_t now)
{
	if (r == NULL)
		return DW_DENY;
	if (r->threshold == 0)
		return DW_ALLOW;
	return dw_lockout_check(l, now);
}

/* Has the window that began at first passed at now?  A first in the
 * future (clock set back) counts as passed: the count starts again. */
static bool
window_over(int64_t first, unsigned window, int64_t now)
{
	if (first <= 0 || now < first)
		return true;
	return (uint64_t)now - (uint64_t)first >= window;
}

bool
dw_lockout_fail(struct dw_lockout *l, const struct dw_lockout_rules *r,
    int64_t now)
{
	uint64_t	dur;

	/* Off, or already locked: a refused attempt is not counted again
	 * (the lock would otherwise grow while it holds). */
	if (l == NULL || r == NULL || r->threshold == 0 || now < l->until)
		return false;
	if (window_over(l->first, r->window, now)) {
		l->failures = 0;
		l->first = now;
	}
	if (l->failures < UINT_MAX)
		l->failures++;
	if (l->failures < r->threshold)
		return false;
	dur = r->duration;
	if (l->level > LEVEL_MAX)
		l->level = LEVEL_MAX;
	dur <<= l->level;	/* at most 2^32 * 2^16: no overflow */
	if (dur > DW_LOCKOUT_MAX_SECONDS)
		dur = DW_LOCKOUT_MAX_SECONDS;
	l->until = now > INT64_MAX - (int64_t)dur ? INT64_MAX :
	    now + (int64_t)dur;
	if (l->level < LEVEL_MAX)
		l->level++;
	l->failures = 0;
	l->first = 0;
	return true;
}

void
dw_lockout_success(struct dw_lockout *l)
{
	dw_lockout_init(l);
}

/* ---- per-address throttle -------------------------------------------- */

struct throttle_slot {
	bool		used;
	struct dw_addr	addr;
	unsigned	failures;
	int64_t		first;
};

struct dw_throttle {
	size_t			 nslots;
	struct throttle_slot	*slots;
};

struct dw_throttle *
dw_throttle_new(size_t slots)
{
	struct dw_throttle	*t;

	if (slots == 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->slots = calloc(slots, sizeof(*t->slots))) == NULL) {
		free(t);
		return NULL;
	}
	t->nslots = slots;
	return t;
}

void
dw_throttle_free(struct dw_throttle *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

static bool
addr_eq(const struct dw_addr *a, const struct dw_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

static struct throttle_slot *
throttle_find(struct dw_throttle *t, const struct dw_addr *a)
{
	size_t	i;

	for (i = 0; i < t->nslots; i++)
		if (t->slots[i].used && addr_eq(&t->slots[i].addr, a))
			return &t->slots[i];
	return NULL;
}

/* The slot a new address takes: a free one, else one whose window has
 * passed, else the oldest (a full table forgets the oldest entry). */
static struct throttle_slot *
throttle_victim(struct dw_throttle *t, unsigned window, int64_t now)
{
	struct throttle_slot	*oldest = &t->slots[0];
	size_t			 i;

	for (i = 0; i < t->nslots; i++)
		if (!t->slots[i].used)
			return &t->slots[i];
	for (i = 0; i < t->nslots; i++) {
		if (window_over(t->slots[i].first, window, now))
			return &t->slots[i];
		if (t->slots[i].first < oldest->first)
			oldest = &t->slots[i];
	}
	return oldest;
}

enum dw_decision
dw_throttle_check(struct dw_throttle *t, const struct dw_addr *a,
    unsigned threshold, unsigned window, int64_t now)
{
	struct throttle_slot	*s;

	if (threshold == 0)
		return DW_ALLOW;
	/* No table or no address: fail closed.  Clients without an IP
	 * address (ldapi) are the caller's to exempt. */
	if (t == NULL || a == NULL)
		return DW_DENY;
	if ((s = throttle_find(t, a)) == NULL ||
	    window_over(s->first, window, now))
		return DW_ALLOW;
	return s->failures >= threshold ? DW_DENY : DW_ALLOW;
}

void
dw_throttle_fail(struct dw_throttle *t, const struct dw_addr *a,
    unsigned window, int64_t now)
{
	struct throttle_slot	*s;

	if (t == NULL || a == NULL)
		return;
	if ((s = throttle_find(t, a)) == NULL) {
		s = throttle_victim(t, window, now);
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->addr = *a;
	}
	if (window_over(s->first, window, now)) {
		s->failures = 0;
		s->first = now;
	}
	if (s->failures < UINT_MAX)
		s->failures++;
}
