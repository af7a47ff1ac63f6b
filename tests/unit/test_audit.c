/*
 * test_audit.c: audit identifiers and client addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dw_audit.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

/* A fixed "now": 2023-11-14T22:13:20Z. */
#define NOW	((time_t)1700000000)

static void
test_id(void **state)
{
	static const struct {
		int		 line;
		long long	 t;
		long		 usec;
		unsigned	 sid;
		unsigned long	 seq;
		int		 rc;
		const char	*out;
	} t[] = {
		ROW(1700000000, 123456, 1, 42, DW_OK,
		    "20231114221320123456-001-0000000042"),
		ROW(0, 0, 0, 0, DW_OK, "19700101000000000000-000-0000000000"),
		ROW(1700000000, 999999, 999, 9999999999UL, DW_OK,
		    "20231114221320999999-999-9999999999"),
		ROW(253402300799LL, 0, 1, 1, DW_OK,
		    "99991231235959000000-001-0000000001"),
		ROW(1700000000, -1, 1, 1, DW_ERR_RANGE, NULL),
		ROW(1700000000, 1000000, 1, 1, DW_ERR_RANGE, NULL),
		ROW(1700000000, 0, 1000, 1, DW_ERR_RANGE, NULL),
		ROW(1700000000, 0, 1, 10000000000UL, DW_ERR_RANGE, NULL),
		ROW(1700000000, 0, (unsigned)-1, 1, DW_ERR_RANGE, NULL),
		ROW(253402300800LL, 0, 1, 1, DW_ERR_RANGE, NULL),
		ROW(INT64_MAX, 0, 1, 1, DW_ERR_RANGE, NULL),
	};
	char	out[DW_AUDIT_ID_MAX];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'Z', sizeof(out));
		rc = dw_audit_id_format((time_t)t[i].t, t[i].usec, t[i].sid,
		    t[i].seq, out, sizeof(out));
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc == DW_OK && strcmp(out, t[i].out) != 0)
			fail_msg("row at line %d: got %s", t[i].line, out);
		if (rc != DW_OK && out[0] != 'Z')
			fail_msg("row at line %d: out written", t[i].line);
	}
	/* 35 characters need 36 bytes. */
	assert_int_equal(dw_audit_id_format(NOW, 0, 1, 1, out, 36), DW_OK);
	assert_int_equal(strlen(out), 35);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_audit_id_format(NOW, 0, 1, 1, out, 35),
	    DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_audit_id_format(NOW, 0, 1, 1, out, 0),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_audit_id_format(NOW, 0, 1, 1, NULL, 36),
	    DW_ERR_INVAL);
}

/* Identifiers sort by time, then server, then sequence. */
static void
test_id_order(void **state)
{
	static const struct {
		long long	t;
		long		usec;
		unsigned	sid;
		unsigned long	seq;
	} seq[] = {
		{ 1699999999, 999999, 999, 9999999999UL },
		{ 1700000000, 0, 0, 0 },
		{ 1700000000, 0, 0, 1 },
		{ 1700000000, 0, 0, 10 },
		{ 1700000000, 0, 1, 0 },
		{ 1700000000, 1, 0, 0 },
		{ 1700000000, 10, 0, 0 },
		{ 1700000001, 0, 0, 0 },
		{ 1800000000, 0, 0, 0 },
	};
	char	prev[DW_AUDIT_ID_MAX], cur[DW_AUDIT_ID_MAX];
	size_t	i;

	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		assert_int_equal(dw_audit_id_format((time_t)seq[i].t,
		    seq[i].usec, seq[i].sid, seq[i].seq, cur, sizeof(cur)),
		    DW_OK);
		if (i > 0 && strcmp(prev, cur) >= 0)
			fail_msg("%s does not sort before %s", prev, cur);
		memcpy(prev, cur, sizeof(prev));
	}
}

static void
test_peer(void **state)
{
	static const struct {
		int		 line;
		const char	*peer;
		size_t		 len;
		const char	*out;
	} t[] = {
		ROW(S("IP=127.0.0.1:389"), "127.0.0.1"),
		ROW(S("IP=192.0.2.10:54321"), "192.0.2.10"),
		ROW(S("IP=10.0.0.1"), "10.0.0.1"),
		ROW(S("IP=255.255.255.255:65535"), "255.255.255.255"),
		ROW(S("IP=[::1]:389"), "::1"),
		ROW(S("IP=[::1]"), "::1"),
		ROW(S("IP=[2001:DB8:0:0:0:0:0:0001]:636"), "2001:db8::1"),
		ROW(S("IP=[::ffff:192.0.2.1]:1"), "::ffff:192.0.2.1"),
		ROW(S("IP=[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"),
		    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
		ROW(S("PATH=/run/slapd/ldapi"), "ldapi"),
		ROW(S("PATH="), "ldapi"),
		ROW(S(""), "unknown"),
		ROW(S("-1"), "unknown"),
		ROW(S("IP="), "unknown"),
		ROW(S("IP=:389"), "unknown"),
		ROW(S("IP=localhost:389"), "unknown"),
		ROW(S("IP=256.0.0.1:389"), "unknown"),
		ROW(S("IP=1.2.3:389"), "unknown"),
		ROW(S("IP=01.2.3.4:389"), "unknown"),
		ROW(S("IP=1.2.3.4:"), "unknown"),
		ROW(S("IP=1.2.3.4:x"), "unknown"),
		ROW(S("IP=1.2.3.4:389 "), "unknown"),
		ROW(S("IP=1.2.3.4:389\n"), "unknown"),
		ROW(S("IP=1.2.3.4:3890000"), "unknown"),
		ROW(S("IP=1.2.3.4:389\0evil"), "unknown"),
		ROW(S("IP=1.2.3.4\0:389"), "unknown"),
		ROW(S("IP=::1:389"), "unknown"),
		ROW(S("IP=[::1"), "unknown"),
		ROW(S("IP=[::1]389"), "unknown"),
		ROW(S("IP=[::1]:"), "unknown"),
		ROW(S("IP=[]:389"), "unknown"),
		ROW(S("IP=[1.2.3.4]:389"), "unknown"),
		ROW(S("IP=[fe80::1%eth0]:389"), "unknown"),
		ROW(S("IP=[::1]:389<script>"), "unknown"),
		ROW(S("ip=127.0.0.1:389"), "unknown"),
		ROW(S("PIPE=x"), "unknown"),
		ROW(S("127.0.0.1"), "unknown"),
		ROW(S("IP=\xff\xfe\xfd"), "unknown"),
		ROW(S("IP=[0000000000000000000000000000000000000000"
		    "00000000:1]:1"), "unknown"),
	};
	char	out[DW_ADDR_MAX];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = dw_peer_to_addr(t[i].peer, t[i].len, out, sizeof(out));
		if (rc != DW_OK)
			fail_msg("row at line %d: rc %d", t[i].line, rc);
		if (strcmp(out, t[i].out) != 0)
			fail_msg("row at line %d: got \"%s\", want \"%s\"",
			    t[i].line, out, t[i].out);
	}
	assert_int_equal(dw_peer_to_addr(NULL, 0, out, sizeof(out)), DW_OK);
	assert_string_equal(out, "unknown");
	/* Only the given length counts. */
	assert_int_equal(dw_peer_to_addr("IP=10.0.0.1:389", 11, out,
	    sizeof(out)), DW_OK);
	assert_string_equal(out, "10.0.0.1");
}

static void
test_peer_buffer(void **state)
{
	char	out[DW_ADDR_MAX];

	/* "unknown" needs 8 bytes, "ldapi" 6, "10.0.0.1" 9. */
	assert_int_equal(dw_peer_to_addr(S(""), out, 8), DW_OK);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_peer_to_addr(S(""), out, 7), DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_peer_to_addr(S("PATH=/x"), out, 6), DW_OK);
	assert_int_equal(dw_peer_to_addr(S("PATH=/x"), out, 5),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_peer_to_addr(S("IP=10.0.0.1:1"), out, 9), DW_OK);
	assert_string_equal(out, "10.0.0.1");
	assert_int_equal(dw_peer_to_addr(S("IP=10.0.0.1:1"), out, 8),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_peer_to_addr(S("IP=10.0.0.1:1"), out, 0),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_peer_to_addr(S("IP=10.0.0.1:1"), NULL, 9),
	    DW_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_id_order),
		cmocka_unit_test(test_peer),
		cmocka_unit_test(test_peer_buffer),
	};

	return cmocka_run_group_tests_name("dw_audit", tests, NULL, NULL);
}
