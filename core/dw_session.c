/*
 * dw_session.c: portal session identifiers and the idle-timeout rule.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "dw_random.h"
#include "dw_session.h"

_Static_assert(DW_SESSION_ID_LEN == DW_RANDOM_ID_LEN,
    "a session identifier is a dw_random identifier");

int
dw_session_id_new(char *out, size_t outsz)
{
	return dw_random_id(out, outsz);
}

bool
dw_session_id_form(const char *s, size_t len)
{
	return dw_random_id_form(s, len);
}

/* now - last, 0 when last is not in the past; no signed overflow. */
static uint64_t
elapsed(int64_t last, int64_t now)
{
	if (now <= last)
		return 0;
	return (uint64_t)now - (uint64_t)last;
}

enum dw_decision
dw_session_idle_check(int64_t last, int64_t now, unsigned timeout)
{
	if (timeout == 0)
		return DW_DENY;
	if (elapsed(now, last) > DW_SESSION_SKEW)
		return DW_DENY;
	return elapsed(last, now) >= timeout ? DW_DENY : DW_ALLOW;
}

bool
dw_session_refresh_due(int64_t last, int64_t now)
{
	/* A last activity in the future (clock skew, a forged value) is
	 * rewritten at once: left alone it would keep the session from
	 * ever expiring. */
	if (last > now)
		return true;
	return elapsed(last, now) >= DW_SESSION_REFRESH;
}

enum dw_decision
dw_session_time_check(int64_t t, int64_t now)
{
	/* t > now: the difference fits in 64 unsigned bits. */
	return t > now && (uint64_t)t - (uint64_t)now > DW_SESSION_SKEW
		   ? DW_DENY
		   : DW_ALLOW;
}
