/*
 * ldapload: the load client of the benchmarks (bench/run.sh).  libldap,
 * one open connection per client thread, controlled concurrency, latency
 * percentiles, and every counted operation checked.
 *
 *   ldapload bind   -H URI -c CLIENTS -d SECS [-w WARMUP] -D PATTERN
 *                   -n USERS -y PWFILE
 *     CLIENTS threads, each with its own connection (opened and bound
 *     once before the clock starts), bind again and again as
 *     PATTERN % k (k = 0..USERS-1 in turn, each thread from its own
 *     offset), for WARMUP then SECS seconds; only the SECS are counted.
 *   ldapload search -H URI -b BASE -f FILTER -r N [-e COUNT]
 *     N times the same one-level search (all user attributes, no paging)
 *     on one connection bound with SASL EXTERNAL (ldapi, root); every
 *     search must succeed and, with -e, return COUNT entries.
 *
 * Prints one line of KEY=VALUE: ops (counted), ok, fail, secs, rate
 * (ops/s), p50_us, p99_us, max_us, and total_ok (every success,
 * warm-up and connection binds included: the audit entries a dramwell
 * server must have written).  Exit 0 only if nothing failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>

struct lat {
	uint32_t	*v;
	size_t		 n, cap;
};

struct worker {
	pthread_t	 th;
	unsigned	 id;
	struct lat	 lat;
	unsigned long	 ok, fail, total_ok;
	char		 err[1400];
};

static const char	*uri, *pattern, *base, *filter;
static int		 pat_at = -1;	/* where "%u" stands in pattern */
static char		 password[1024];
static unsigned		 nclients = 1, nusers = 1, nrepeat = 1;
static double		 secs = 5, warmup = 1;
static long		 expect = -1;
static _Atomic int	 ready, go;
static double		 t_start, t_end;

static double
now(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *msg)
{
	(void)fprintf(stderr, "ldapload: %s\n", msg);
	exit(2);
}

static void
lat_add(struct lat *l, double us)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		if ((l->v = realloc(l->v, l->cap * sizeof(*l->v))) == NULL)
			die("out of memory");
	}
	l->v[l->n++] = us > 4e9 ? UINT32_MAX : (uint32_t)us;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
pct(const struct lat *l, double p)
{
	size_t	i;

	if (l->n == 0)
		return 0;
	i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->v[i];
}

static LDAP *
conn(void)
{
	LDAP	*ld;
	int	 v3 = LDAP_VERSION3;

	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS)
		die("ldap_initialize failed");
	(void)ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	return ld;
}

/* PATTERN with its "%u" replaced by k. */
static void
user_dn(char *dn, size_t sz, unsigned long k)
{
	(void)snprintf(dn, sz, "%.*s%lu%s", pat_at, pattern, k % nusers,
	    pattern + pat_at + 2);
}

static int
simple_bind(LDAP *ld, const char *dn)
{
	struct berval	cred = { strlen(password), password };

	return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL);
}

static void *
bind_worker(void *arg)
{
	struct worker	*w = arg;
	LDAP		*ld = conn();
	char		 dn[1024];
	unsigned long	 k = (unsigned long)w->id * 7919u;
	double		 t0, t1;
	int		 rc;

	user_dn(dn, sizeof(dn), k);
	if ((rc = simple_bind(ld, dn)) != LDAP_SUCCESS) {
		(void)snprintf(w->err, sizeof(w->err), "first bind as %s: %s",
		    dn, ldap_err2string(rc));
		w->fail++;
	} else
		w->total_ok++;
	ready++;
	while (!go)
		(void)usleep(1000);
	for (;;) {
		k++;
		user_dn(dn, sizeof(dn), k);
		t0 = now();
		if (t0 >= t_end)
			break;
		rc = simple_bind(ld, dn);
		t1 = now();
		if (rc == LDAP_SUCCESS)
			w->total_ok++;
		else if (w->err[0] == '\0')
			(void)snprintf(w->err, sizeof(w->err), "bind as %s: %s",
			    dn, ldap_err2string(rc));
		if (t0 < t_start) {
			if (rc != LDAP_SUCCESS)
				w->fail++;
			continue;
		}
		if (rc == LDAP_SUCCESS)
			w->ok++;
		else
			w->fail++;
		lat_add(&w->lat, (t1 - t0) * 1e6);
	}
	(void)ldap_unbind_ext_s(ld, NULL, NULL);
	return NULL;
}

/* SASL EXTERNAL asks nothing. */
static int
no_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	return LDAP_SUCCESS;
}

static void
run_search(struct worker *w)
{
	LDAP		*ld = conn();
	LDAPMessage	*res;
	double		 t0, t1;
	unsigned	 i;
	int		 rc, n;

	rc = ldap_sasl_interactive_bind_s(ld, NULL, "EXTERNAL", NULL, NULL,
	    LDAP_SASL_QUIET, no_interact, NULL);
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(w->err, sizeof(w->err), "EXTERNAL bind: %s",
		    ldap_err2string(rc));
		w->fail++;
		return;
	}
	t_start = now();
	for (i = 0; i < nrepeat; i++) {
		t0 = now();
		rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter,
		    NULL, 0, NULL, NULL, NULL, LDAP_NO_LIMIT, &res);
		t1 = now();
		n = rc == LDAP_SUCCESS ? ldap_count_entries(ld, res) : -1;
		if (res != NULL)
			(void)ldap_msgfree(res);
		if (rc != LDAP_SUCCESS || (expect >= 0 && n != expect)) {
			w->fail++;
			if (w->err[0] == '\0')
				(void)snprintf(w->err, sizeof(w->err),
				    "search: %s, %d entries (want %ld)",
				    ldap_err2string(rc), n, expect);
		} else {
			w->ok++;
			w->total_ok++;
		}
		lat_add(&w->lat, (t1 - t0) * 1e6);
	}
	t_end = now();
	(void)ldap_unbind_ext_s(ld, NULL, NULL);
}

static void
read_password(const char *path)
{
	FILE	*f;
	size_t	 len;

	if ((f = fopen(path, "r")) == NULL ||
	    fgets(password, sizeof(password), f) == NULL)
		die("cannot read the password file");
	(void)fclose(f);
	len = strlen(password);
	if (len > 0 && password[len - 1] == '\n')
		password[len - 1] = '\0';
}

int
main(int argc, char **argv)
{
	struct worker	*ws;
	struct lat	 all = { NULL, 0, 0 };
	unsigned long	 ok = 0, fail = 0, total_ok = 0;
	const char	*mode, *err = NULL;
	unsigned	 i;
	int		 c, bind_mode;

	if (argc < 2)
		die("usage: ldapload bind|search OPTIONS (see the source)");
	mode = argv[1];
	bind_mode = strcmp(mode, "bind") == 0;
	if (!bind_mode && strcmp(mode, "search") != 0)
		die("the mode is bind or search");
	optind = 2;
	while ((c = getopt(argc, argv, "H:c:d:w:D:n:y:b:f:r:e:")) != -1) {
		switch (c) {
		case 'H': uri = optarg; break;
		case 'c': nclients = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': secs = strtod(optarg, NULL); break;
		case 'w': warmup = strtod(optarg, NULL); break;
		case 'D': pattern = optarg; break;
		case 'n': nusers = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'y': read_password(optarg); break;
		case 'b': base = optarg; break;
		case 'f': filter = optarg; break;
		case 'r': nrepeat = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'e': expect = strtol(optarg, NULL, 10); break;
		default: die("unknown option");
		}
	}
	if (uri == NULL || nclients == 0 || nusers == 0 || nrepeat == 0 ||
	    secs <= 0)
		die("-H is required; counts and durations must be positive");
	if (bind_mode && (pattern == NULL || password[0] == '\0'))
		die("bind: -D PATTERN and -y PWFILE are required");
	if (bind_mode) {
		const char *at = strstr(pattern, "%u");

		if (at == NULL || strstr(at + 2, "%") != NULL)
			die("bind: -D PATTERN holds one %u");
		pat_at = (int)(at - pattern);
	}
	if (!bind_mode && (base == NULL || filter == NULL))
		die("search: -b BASE and -f FILTER are required");
	if (!bind_mode)
		nclients = 1;
	if ((ws = calloc(nclients, sizeof(*ws))) == NULL)
		die("out of memory");
	if (bind_mode) {
		for (i = 0; i < nclients; i++) {
			ws[i].id = i;
			if (pthread_create(&ws[i].th, NULL, bind_worker,
			    &ws[i]) != 0)
				die("pthread_create failed");
		}
		while (ready < (int)nclients)
			(void)usleep(1000);
		t_start = now() + warmup;
		t_end = t_start + secs;
		go = 1;
		for (i = 0; i < nclients; i++)
			(void)pthread_join(ws[i].th, NULL);
	} else
		run_search(&ws[0]);
	for (i = 0; i < nclients; i++) {
		ok += ws[i].ok;
		fail += ws[i].fail;
		total_ok += ws[i].total_ok;
		if (err == NULL && ws[i].err[0] != '\0')
			err = ws[i].err;
		for (size_t j = 0; j < ws[i].lat.n; j++)
			lat_add(&all, ws[i].lat.v[j]);
	}
	qsort(all.v, all.n, sizeof(*all.v), cmp_u32);
	(void)printf("ops=%zu ok=%lu fail=%lu secs=%.3f rate=%.1f p50_us=%u "
	    "p99_us=%u max_us=%u total_ok=%lu\n", all.n, ok, fail,
	    t_end - t_start, (double)ok / (t_end - t_start), pct(&all, 0.5),
	    pct(&all, 0.99), all.n ? all.v[all.n - 1] : 0, total_ok);
	if (err != NULL)
		(void)fprintf(stderr, "ldapload: first failure: %s\n", err);
	return fail == 0 && ok > 0 ? 0 : 1;
}
