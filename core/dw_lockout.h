/*
 * dw_lockout.h: account lockout after repeated failed logins, and the
 * per-client-address throttle.
 *
 * Account lockout state lives in the admin entry (dwLockout, written only
 * by the overlay) as the text "FAILURES FIRST UNTIL LEVEL": decimal
 * numbers, FIRST and UNTIL in seconds since the epoch (0 = none).  A
 * failure older than the window starts a new count.  Reaching the
 * threshold locks the account until now + duration * 2^LEVEL (capped at
 * DW_LOCKOUT_MAX_SECONDS) and raises LEVEL (capped at 16); a successful
 * login resets everything.  threshold 0 turns lockout off.
 *
 * The throttle counts failures per client address in memory (one table
 * per server process; not thread-safe: the caller holds a lock).  An
 * address with `threshold` failures inside the window is refused until
 * the window has passed since its first counted failure.  A full table
 * forgets the oldest entry.
 */
#ifndef DW_LOCKOUT_H
#define DW_LOCKOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dw_cidr.h"
#include "dw_err.h"

#define DW_LOCKOUT_MAX_SECONDS	86400
#define DW_LOCKOUT_TEXT_MAX	96

struct dw_lockout_rules {
	unsigned threshold;	/* failures; 0 = off */
	unsigned window;	/* seconds */
	unsigned duration;	/* seconds, first lock */
};

struct dw_lockout {
	unsigned failures;
	int64_t first;		/* first failure of this window, 0 = none */
	int64_t until;		/* locked before this time, 0 = not locked */
	unsigned level;		/* locks so far without a success */
};

/* Empty state (no value stored). */
void dw_lockout_init(struct dw_lockout *l);
int dw_lockout_parse(const char *s, size_t len, struct dw_lockout *out);
int dw_lockout_format(const struct dw_lockout *l, char *out, size_t outsz);

/* DW_DENY while now < until, whatever the policy: see dw_lockout_locked. */
enum dw_decision dw_lockout_check(const struct dw_lockout *l, int64_t now);

/*
 * Is the account locked under the policy r at now?  threshold 0 turns
 * lockout off: DW_ALLOW, whatever state is stored (an account locked
 * before lockout was turned off is not held).  Otherwise DW_DENY while
 * now < until, and for l NULL (a stored state that does not parse: fail
 * closed).  r NULL is DW_DENY.
 */
enum dw_decision dw_lockout_locked(const struct dw_lockout *l,
    const struct dw_lockout_rules *r, int64_t now);

/* Count one failure at now; true when this failure locked the account.
 * threshold 0, or a failure while still locked: nothing is counted. */
bool dw_lockout_fail(struct dw_lockout *l, const struct dw_lockout_rules *r,
    int64_t now);

/* A successful login. */
void dw_lockout_success(struct dw_lockout *l);

/* ---- per-address throttle -------------------------------------------- */
struct dw_throttle;

struct dw_throttle *dw_throttle_new(size_t slots);
void dw_throttle_free(struct dw_throttle *t);
/* threshold 0 = off (always DW_ALLOW).  Otherwise a NULL t or a is
 * DW_DENY (fail closed): exempt clients without an IP address (ldapi)
 * before calling. */
enum dw_decision dw_throttle_check(struct dw_throttle *t,
    const struct dw_addr *a, unsigned threshold, unsigned window,
    int64_t now);
void dw_throttle_fail(struct dw_throttle *t, const struct dw_addr *a,
    unsigned window, int64_t now);

#endif
