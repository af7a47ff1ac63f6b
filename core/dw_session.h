/*
 * dw_session.h: portal sessions (ou=sessions entries): identifiers, the
 * idle-timeout rule and when to refresh the last activity.
 */
#ifndef DW_SESSION_H
#define DW_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dw_err.h"

/* base64url (no padding) of 32 random bytes. */
#define DW_SESSION_ID_LEN	43
/* The last activity is rewritten at most once per this many seconds. */
#define DW_SESSION_REFRESH	60

int dw_session_id_new(char *out, size_t outsz);
/* Exactly DW_SESSION_ID_LEN characters of [A-Za-z0-9_-]. */
bool dw_session_id_form(const char *s, size_t len);

/* How far a last activity may lie in the future (clock skew), seconds. */
#define DW_SESSION_SKEW		60

/*
 * The idle rule: idle = now - last.  Idle for timeout seconds or more is
 * expired: DW_DENY.  A last activity in the future by at most
 * DW_SESSION_SKEW seconds counts as idle 0; further in the future it is
 * DW_DENY (a clock gone wrong or a forged value would otherwise keep the
 * session alive).  timeout 0 is DW_DENY (fail closed).
 */
enum dw_decision dw_session_idle_check(int64_t last, int64_t now,
    unsigned timeout);

/* Should the last activity be rewritten now (>= DW_SESSION_REFRESH)? */
bool dw_session_refresh_due(int64_t last, int64_t now);

/* May a session entry carry the time t (start, last activity)?  Not more
 * than DW_SESSION_SKEW seconds in the future: a later one would
 * keep the session from ever expiring. */
enum dw_decision dw_session_time_check(int64_t t, int64_t now);

#endif
