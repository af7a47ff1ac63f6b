/*
 * dw_time.c: LDAP GeneralizedTime in UTC.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dw_time.h"

int
dw_gentime_format(time_t t, long usec, char *out, size_t outsz)
{
	struct tm	tm;
	char		buf[DW_GENTIME_MAX];
	int		n, rc = DW_ERR_INVAL;

	if (out == NULL)
		goto out;
	rc = DW_ERR_RANGE;
	if (usec > 999999)
		goto out;
	if (gmtime_r(&t, &tm) == NULL)
		goto out;
	/* Four-digit years only: 0000..9999. */
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		goto out;
	if (usec < 0)
		n = snprintf(buf, sizeof(buf), "%04d%02d%02d%02d%02d%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
	else
		n = snprintf(buf, sizeof(buf),
		    "%04d%02d%02d%02d%02d%02d.%06ldZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, usec);
	if (n < 0 || (size_t)n >= sizeof(buf))
		goto out;
	rc = DW_ERR_TOOLONG;
	if ((size_t)n >= outsz)
		goto out;
	memcpy(out, buf, (size_t)n + 1);
	rc = DW_OK;
out:
	return rc;
}

static int
digits(const char *s, size_t n, int *v)
{
	size_t	i;
	int	x = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

static int
days_in_month(int year, int mon)
{
	static const int	mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			leap;

	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return mdays[mon - 1] + (mon == 2 && leap);
}

int
dw_gentime_parse(const char *s, size_t len, time_t *out)
{
	struct tm	tm;
	time_t		t;
	size_t		i = 14;
	int		year, mon, day, hour, min, sec;

	if (s == NULL || out == NULL || len < 15)
		return DW_ERR_INVAL;
	if (digits(s, 4, &year) != 0 || digits(s + 4, 2, &mon) != 0 ||
	    digits(s + 6, 2, &day) != 0 || digits(s + 8, 2, &hour) != 0 ||
	    digits(s + 10, 2, &min) != 0 || digits(s + 12, 2, &sec) != 0)
		return DW_ERR_INVAL;
	if (s[i] == '.') {
		i++;
		if (i >= len || s[i] < '0' || s[i] > '9')
			return DW_ERR_INVAL;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i != len - 1 || s[i] != 'Z')
		return DW_ERR_INVAL;
	/* Second 60 is a leap second (RFC 4517); timegm carries it over. */
	if (mon < 1 || mon > 12 || day < 1 ||
	    day > days_in_month(year, mon) || hour > 23 || min > 59 ||
	    sec > 60)
		return DW_ERR_RANGE;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	errno = 0;
	t = timegm(&tm);
	if (t == (time_t)-1 && errno != 0)
		return DW_ERR_RANGE;
	*out = t;
	return DW_OK;
}

int
dw_months_before(time_t t, unsigned months, time_t *out)
{
	struct tm	tm;
	long		m;
	int		dim;
	time_t		r;

	if (out == NULL)
		return DW_ERR_INVAL;
	if (months > 12u * 10000u || gmtime_r(&t, &tm) == NULL)
		return DW_ERR_RANGE;
	m = (long)tm.tm_year * 12 + tm.tm_mon - (long)months;
	tm.tm_year = (int)(m / 12);
	tm.tm_mon = (int)(m % 12);
	if (tm.tm_mon < 0) {
		tm.tm_mon += 12;
		tm.tm_year--;
	}
	/* The same day of the month, or the month's last day (31 March
	 * minus one month is 28 or 29 February). */
	dim = days_in_month(tm.tm_year + 1900, tm.tm_mon + 1);
	if (tm.tm_mday > dim)
		tm.tm_mday = dim;
	errno = 0;
	r = timegm(&tm);
	if (r == (time_t)-1 && errno != 0)
		return DW_ERR_RANGE;
	*out = r;
	return DW_OK;
}
