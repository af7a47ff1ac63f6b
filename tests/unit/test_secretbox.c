/*
 * test_secretbox.c: the key file checks and sealing/opening secrets.
 * Key files live in a fresh mkdtemp directory, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dw_secretbox.h"

#define S(x)	x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

#define HEX64	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"

struct fixture {
	char	dir[64];
	char	path[128];
	int	n;
};

static int
setup(void **state)
{
	struct fixture *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	strcpy(f->dir, "/tmp/dw-test-secretbox.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];
	int i;

	for (i = 0; i < f->n; i++) {
		snprintf(p, sizeof(p), "%s/f%d", f->dir, i);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/link", f->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/dir", f->dir);
	rmdir(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A new file in the fixture directory with this content and mode. */
static const char *
mkfile(struct fixture *f, const char *content, size_t len, mode_t mode)
{
	int fd;

	snprintf(f->path, sizeof(f->path), "%s/f%d", f->dir, f->n++);
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return f->path;
}

static void
test_key_load(void **state)
{
	static const struct {
		int		line;
		const char	*content;
		size_t		len;
		mode_t		mode;
		int		rc;
	} t[] = {
		ROW(S(HEX64), 0600, DW_OK),
		ROW(S(HEX64 "\n"), 0600, DW_OK),
		ROW(S(HEX64 "\n"), 0400, DW_OK),
		ROW(S("000102030405060708090A0B0C0D0E0F"
		    "101112131415161718191A1B1C1D1E1F"), 0600, DW_OK),
		ROW(S(HEX64 "\n"), 0640, DW_ERR_UNSAFE),
		ROW(S(HEX64 "\n"), 0604, DW_ERR_UNSAFE),
		ROW(S(HEX64 "\n"), 0610, DW_ERR_UNSAFE),
		ROW(S(HEX64 "\n\n"), 0600, DW_ERR_INVAL),
		ROW(S(HEX64 "0"), 0600, DW_ERR_INVAL),
		ROW(S(HEX64 " "), 0600, DW_ERR_INVAL),
		ROW(S(HEX64 "\r\n"), 0600, DW_ERR_INVAL),
		ROW(S("0001"), 0600, DW_ERR_INVAL),
		ROW(S(""), 0600, DW_ERR_INVAL),
		ROW(S("g00102030405060708090a0b0c0d0e0f"
		    "101112131415161718191a1b1c1d1e1f"), 0600, DW_ERR_INVAL),
		ROW(S(" 0102030405060708090a0b0c0d0e0f"
		    "101112131415161718191a1b1c1d1e1f"), 0600, DW_ERR_INVAL),
		ROW(S("00:102030405060708090a0b0c0d0e0f"
		    "101112131415161718191a1b1c1d1e1f"), 0600, DW_ERR_INVAL),
		ROW(S("000102030405060708090a0b0c0d0e0f"
		    "101112131415161718191a1b1c1d1e\0f"), 0600, DW_ERR_INVAL),
	};
	struct fixture	*f = *state;
	unsigned char	key[DW_SECRETBOX_KEY_BYTES], want[DW_SECRETBOX_KEY_BYTES];
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (unsigned char)i;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(key, 0xee, sizeof(key));
		rc = dw_secretbox_key_load(mkfile(f, t[i].content, t[i].len,
		    t[i].mode), key);
		if (rc != t[i].rc)
			fail_msg("line %d: rc %d", t[i].line, rc);
		if (rc == DW_OK && memcmp(key, want, sizeof(key)) != 0)
			fail_msg("line %d: key", t[i].line);
		if (rc != DW_OK && key[0] != 0xee)
			fail_msg("line %d: key written on failure", t[i].line);
	}
}

static void
test_key_load_files(void **state)
{
	struct fixture	*f = *state;
	unsigned char	key[DW_SECRETBOX_KEY_BYTES];
	char		p[160], target[128];

	/* Missing. */
	snprintf(p, sizeof(p), "%s/missing", f->dir);
	assert_int_equal(dw_secretbox_key_load(p, key), DW_ERR_IO);
	/* A symlink to a good key file is refused. */
	snprintf(target, sizeof(target), "%s",
	    mkfile(f, S(HEX64 "\n"), 0600));
	assert_int_equal(dw_secretbox_key_load(target, key), DW_OK);
	snprintf(p, sizeof(p), "%s/link", f->dir);
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(dw_secretbox_key_load(p, key), DW_ERR_UNSAFE);
	/* Not a regular file. */
	snprintf(p, sizeof(p), "%s/dir", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(dw_secretbox_key_load(p, key), DW_ERR_UNSAFE);
	/* Owned by someone else (only root can give a file away). */
	if (geteuid() == 0) {
		assert_int_equal(chown(target, 12345, 12345), 0);
		assert_int_equal(dw_secretbox_key_load(target, key),
		    DW_ERR_UNSAFE);
	}
	assert_int_equal(dw_secretbox_key_load(NULL, key), DW_ERR_INVAL);
}

static void
test_key_create(void **state)
{
	struct fixture	*f = *state;
	unsigned char	k1[DW_SECRETBOX_KEY_BYTES], k2[DW_SECRETBOX_KEY_BYTES];
	char		p1[128], p2[128];
	struct stat	st;
	mode_t		old;

	snprintf(p1, sizeof(p1), "%s/f%d", f->dir, f->n++);
	snprintf(p2, sizeof(p2), "%s/f%d", f->dir, f->n++);
	/* A lax umask does not widen the mode. */
	old = umask(0);
	assert_int_equal(dw_secretbox_key_create(p1), DW_OK);
	umask(old);
	assert_int_equal(stat(p1, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(dw_secretbox_key_load(p1, k1), DW_OK);
	/* Never overwrites. */
	assert_int_equal(dw_secretbox_key_create(p1), DW_ERR_IO);
	assert_int_equal(dw_secretbox_key_load(p1, k2), DW_OK);
	assert_memory_equal(k1, k2, sizeof(k1));
	/* Two keys differ. */
	assert_int_equal(dw_secretbox_key_create(p2), DW_OK);
	assert_int_equal(dw_secretbox_key_load(p2, k2), DW_OK);
	assert_memory_not_equal(k1, k2, sizeof(k1));
}

static void
test_seal_open(void **state)
{
	static const unsigned char secret[20] = "\x01\x02\x03 not a real key";
	unsigned char	key[DW_SECRETBOX_KEY_BYTES], key2[DW_SECRETBOX_KEY_BYTES];
	unsigned char	out[128], big[129];
	char		box[DW_SECRETBOX_MAX], box2[DW_SECRETBOX_MAX];
	char		bad[DW_SECRETBOX_MAX];
	size_t		n, blen;

	(void)state;
	memset(key, 7, sizeof(key));
	memset(key2, 7, sizeof(key2));
	key2[31] = 8;
	assert_int_equal(dw_secretbox_seal(key, secret, sizeof(secret), box,
	    sizeof(box)), DW_OK);
	blen = strlen(box);
	assert_int_equal(strncmp(box, DW_SECRETBOX_PREFIX, 5), 0);
	/* base64 of 24 + 16 + 20 = 60 bytes: 80 characters. */
	assert_int_equal(blen, 5 + 80);
	/* The secret does not show in the stored form. */
	assert_null(strstr(box, "not a real"));
	assert_int_equal(dw_secretbox_open(key, box, blen, out, sizeof(out),
	    &n), DW_OK);
	assert_int_equal(n, sizeof(secret));
	assert_memory_equal(out, secret, n);
	/* A new nonce each time. */
	assert_int_equal(dw_secretbox_seal(key, secret, sizeof(secret), box2,
	    sizeof(box2)), DW_OK);
	assert_string_not_equal(box, box2);

	/* Wrong key, altered ciphertext, altered nonce: DENIED. */
	n = 999;
	assert_int_equal(dw_secretbox_open(key2, box, blen, out, sizeof(out),
	    &n), DW_ERR_DENIED);
	assert_int_equal(n, 999);
	memcpy(bad, box, blen + 1);
	bad[blen - 5] = bad[blen - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(dw_secretbox_open(key, bad, blen, out, sizeof(out),
	    &n), DW_ERR_DENIED);
	memcpy(bad, box, blen + 1);
	bad[6] = bad[6] == 'A' ? 'B' : 'A';
	assert_int_equal(dw_secretbox_open(key, bad, blen, out, sizeof(out),
	    &n), DW_ERR_DENIED);

	/* Output too small. */
	assert_int_equal(dw_secretbox_open(key, box, blen, out, 19, &n),
	    DW_ERR_TOOLONG);
	/* Largest message fits DW_SECRETBOX_MAX; one more is refused. */
	memset(big, 'x', sizeof(big));
	assert_int_equal(dw_secretbox_seal(key, big, 128, box2, sizeof(box2)),
	    DW_OK);
	assert_int_equal(dw_secretbox_open(key, box2, strlen(box2), out,
	    sizeof(out), &n), DW_OK);
	assert_int_equal(n, 128);
	assert_int_equal(dw_secretbox_seal(key, big, 129, box2, sizeof(box2)),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_secretbox_seal(key, secret, sizeof(secret), box2,
	    85), DW_ERR_TOOLONG);
	assert_int_equal(dw_secretbox_seal(key, secret, 0, box2,
	    sizeof(box2)), DW_ERR_INVAL);
}

static void
test_open_malformed(void **state)
{
	static const struct {
		int		line;
		const char	*in;
		size_t		len;
	} t[] = {
		ROW(S("")),
		ROW(S("{SB1}")),
		ROW(S("{SB2}AAAA")),
		ROW(S("{sb1}AAAA")),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
		ROW(S("{SB1}!!!!")),
		ROW(S("{SB1}AAA")),		/* not a multiple of 4 */
		ROW(S("{SB1}AAAA AAAA")),
		/* 40 bytes: nonce and MAC, no message. */
		ROW(S("{SB1}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "==")),
	};
	unsigned char	key[DW_SECRETBOX_KEY_BYTES], out[128];
	char		box[DW_SECRETBOX_MAX];
	size_t		i, n = 999, blen;

	(void)state;
	memset(key, 7, sizeof(key));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_secretbox_open(key, t[i].in, t[i].len, out, sizeof(out),
		    &n) != DW_ERR_INVAL)
			fail_msg("line %d", t[i].line);
	assert_int_equal(n, 999);
	/* Truncated stored forms: either not base64 any more (INVAL) or a
	 * shorter box that fails authentication (DENIED); never opened. */
	assert_int_equal(dw_secretbox_seal(key,
	    (const unsigned char *)"abcdefghijklmnopqrst", 20, box,
	    sizeof(box)), DW_OK);
	blen = strlen(box);
	for (i = 0; i < blen; i++) {
		int rc = dw_secretbox_open(key, box, i, out, sizeof(out), &n);

		if (rc != DW_ERR_INVAL && rc != DW_ERR_DENIED)
			fail_msg("truncated at %zu: rc %d", i, rc);
	}
	/* Trailing garbage. */
	memcpy(box + blen, "AAAA", 5);
	assert_int_equal(dw_secretbox_open(key, box, blen + 4, out,
	    sizeof(out), &n), DW_ERR_DENIED);
	memcpy(box + blen, "\n", 2);
	assert_int_equal(dw_secretbox_open(key, box, blen + 1, out,
	    sizeof(out), &n), DW_ERR_INVAL);
	assert_int_equal(n, 999);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_load_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_create, setup,
		    teardown),
		cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_open_malformed),
	};

	return cmocka_run_group_tests_name("dw_secretbox", tests, NULL, NULL);
}
