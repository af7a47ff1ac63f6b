/*
 * admingen: print an LDIF of N active admins for slapadd into the main
 * database of a stopped server (bench/run.sh): uid=PREFIXk@DOMAIN,
 * ou=admins,BASE, role support, a password changed now, and the password
 * read from PWFILE stored as {ARGON2} argon2id with the given cost.  One
 * hash (one salt) serves every entry: a bind's cost is one verification
 * whatever the salt, and hashing N times at a high cost would take long.
 *
 * usage: admingen -b BASE -p PREFIX -n N -m KIB -t ITERATIONS -y PWFILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

static void
die(const char *msg)
{
	(void)fprintf(stderr, "admingen: %s\n", msg);
	exit(2);
}

int
main(int argc, char **argv)
{
	char		 pw[1024], hash[crypto_pwhash_STRBYTES], now[32];
	const char	*base = NULL, *prefix = NULL, *pwfile = NULL;
	unsigned long	 n = 0, m = 0, t = 0, k;
	time_t		 tnow = time(NULL);
	struct tm	 tm;
	FILE		*f;
	size_t		 len;
	int		 c;

	while ((c = getopt(argc, argv, "b:p:n:m:t:y:")) != -1) {
		switch (c) {
		case 'b': base = optarg; break;
		case 'p': prefix = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'm': m = strtoul(optarg, NULL, 10); break;
		case 't': t = strtoul(optarg, NULL, 10); break;
		case 'y': pwfile = optarg; break;
		default: die("usage: admingen -b BASE -p PREFIX -n N -m KIB "
		    "-t ITERATIONS -y PWFILE");
		}
	}
	if (base == NULL || prefix == NULL || pwfile == NULL || m == 0 ||
	    t == 0 || sodium_init() < 0)
		die("-b, -p, -m, -t and -y are required");
	if ((f = fopen(pwfile, "r")) == NULL || fgets(pw, sizeof(pw), f) ==
	    NULL)
		die("cannot read the password file");
	(void)fclose(f);
	len = strcspn(pw, "\n");
	pw[len] = '\0';
	if (crypto_pwhash_str_alg(hash, pw, len, t, (size_t)m * 1024,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		die("argon2id hashing failed (cost out of range?)");
	if (gmtime_r(&tnow, &tm) == NULL ||
	    strftime(now, sizeof(now), "%Y%m%d%H%M%SZ", &tm) == 0)
		die("no time");
	for (k = 0; k < n; k++)
		(void)printf("dn: uid=%s%lu@dramwell.ai,ou=admins,%s\n"
		    "objectClass: inetOrgPerson\nobjectClass: dwAdminUser\n"
		    "uid: %s%lu@dramwell.ai\ncn: Bench %lu\nsn: Bench\n"
		    "mail: %s%lu@dramwell.ai\ndwRole: support\n"
		    "dwAccountStatus: active\nuserPassword: {ARGON2}%s\n"
		    "dwPasswordChangedTime: %s\n\n", prefix, k, base, prefix,
		    k, k, prefix, k, hash, now);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("cannot write the output");
	return 0;
}
