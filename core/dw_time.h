/*
 * dw_time.h: LDAP GeneralizedTime, always UTC.
 */
#ifndef DW_TIME_H
#define DW_TIME_H

#include <stddef.h>
#include <time.h>
#include "dw_err.h"

#define DW_GENTIME_MAX	32	/* buffer size that always suffices */

/* "YYYYMMDDHHMMSSZ" when usec < 0, "YYYYMMDDHHMMSS.uuuuuuZ" otherwise.
 * DW_ERR_RANGE for usec > 999999 or a year outside 0000..9999;
 * DW_ERR_TOOLONG if out is too small. */
int dw_gentime_format(time_t t, long usec, char *out, size_t outsz);

/* Parse "YYYYMMDDHHMMSS[.f*]Z" (UTC only; fractions ignored).
 * DW_ERR_INVAL for any other form (offsets, ',' fractions, missing
 * fields); DW_ERR_RANGE for an impossible date or time.  Second 60 (a
 * leap second) is accepted and counts as second 0 of the next minute. */
int dw_gentime_parse(const char *s, size_t len, time_t *out);

/* The same UTC time of day, months calendar months before t (the day
 * clamped to the shorter month's last); the audit retention cutoff.
 * DW_ERR_RANGE when out of time_t's or the calendar's range. */
int dw_months_before(time_t t, unsigned months, time_t *out);

#endif
