/*
 * test_cidr.c: address and range parsing, formatting, matching and the
 * allowlist rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dw_cidr.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

static void
test_addr_parse(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
		int		 family;
		unsigned char	 b0, b3;	/* first and fourth byte */
	} t[] = {
		ROW(S("10.0.0.5"), DW_OK, AF_INET, 10, 5),
		ROW(S("0.0.0.0"), DW_OK, AF_INET, 0, 0),
		ROW(S("255.255.255.255"), DW_OK, AF_INET, 255, 255),
		ROW(S("::ffff:10.0.0.5"), DW_OK, AF_INET, 10, 5),
		ROW(S("::FFFF:8.8.8.8"), DW_OK, AF_INET, 8, 8),
		ROW(S("::ffff:a00:5"), DW_OK, AF_INET, 10, 5),
		ROW(S("::1"), DW_OK, AF_INET6, 0, 0),
		ROW(S("2001:db8::1"), DW_OK, AF_INET6, 0x20, 0xb8),
		ROW(S("::"), DW_OK, AF_INET6, 0, 0),
		/* IPv4-compatible (not mapped) stays IPv6. */
		ROW(S("::10.0.0.5"), DW_OK, AF_INET6, 0, 0),
		ROW(S(""), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("LOCAL"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("localhost"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("1.2.3"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("1.2.3.4.5"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("1.2.3.256"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("01.2.3.4"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S(" 1.2.3.4"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("1.2.3.4 "), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("1.2.3.4\0"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("1.2.3.4/32"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("1.2.3.4:389"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("[::1]"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("[::1]:389"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("fe80::1%eth0"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("fe80::1%1"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("::1::"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("12345::"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("0x0a.0.0.1"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("-1"), DW_ERR_INVAL, 0, 0, 0),
		ROW(S("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255x"),
		    DW_ERR_INVAL, 0, 0, 0),
		ROW(S("0000:0000:0000:0000:0000:ffff:255.255.255.255"),
		    DW_OK, AF_INET, 255, 255),
		ROW(S("0000:0000:0000:0000:0000:ffff:255.255.255.2555"),
		    DW_ERR_INVAL, 0, 0, 0),
	};
	struct dw_addr	a;
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&a, 0x5a, sizeof(a));
		rc = dw_addr_parse(t[i].s, t[i].len, &a);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc != DW_OK) {
			if (a.family != 0x5a5a5a5a)
				fail_msg("row at line %d: out written",
				    t[i].line);
			continue;
		}
		if (a.family != t[i].family || a.bytes[0] != t[i].b0 ||
		    a.bytes[3] != t[i].b3)
			fail_msg("row at line %d: family %d bytes %u %u",
			    t[i].line, a.family, a.bytes[0], a.bytes[3]);
		if (a.family == AF_INET) {
			static const unsigned char zero[12];

			if (memcmp(a.bytes + 4, zero, 12) != 0)
				fail_msg("row at line %d: tail not zero",
				    t[i].line);
		}
	}
	assert_int_equal(dw_addr_parse(NULL, 0, &a), DW_ERR_INVAL);
	assert_int_equal(dw_addr_parse(S("1.2.3.4"), NULL), DW_ERR_INVAL);
	/* Only the given length counts. */
	assert_int_equal(dw_addr_parse("10.0.0.5:389", 8, &a), DW_OK);
	assert_int_equal(a.bytes[3], 5);
}

static void
test_cidr_parse(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
		const char	*text;	/* formatted back */
	} t[] = {
		ROW(S("10.0.0.0/8"), DW_OK, "10.0.0.0/8"),
		ROW(S("10.0.0.5"), DW_OK, "10.0.0.5/32"),
		ROW(S("10.0.0.5/32"), DW_OK, "10.0.0.5/32"),
		ROW(S("0.0.0.0/0"), DW_OK, "0.0.0.0/0"),
		ROW(S("128.0.0.0/1"), DW_OK, "128.0.0.0/1"),
		ROW(S("192.0.2.128/25"), DW_OK, "192.0.2.128/25"),
		ROW(S("::/0"), DW_OK, "::/0"),
		ROW(S("::1"), DW_OK, "::1/128"),
		ROW(S("::1/128"), DW_OK, "::1/128"),
		ROW(S("2001:DB8::/32"), DW_OK, "2001:db8::/32"),
		ROW(S("fe80::/10"), DW_OK, "fe80::/10"),
		ROW(S("::ffff:10.0.0.0/104"), DW_OK, "10.0.0.0/8"),
		ROW(S("::ffff:10.0.0.5"), DW_OK, "10.0.0.5/32"),
		ROW(S("::ffff:0.0.0.0/96"), DW_OK, "0.0.0.0/0"),
		ROW(S("::/96"), DW_OK, "::/96"),
		ROW(S("::ffff:0:0/95"), DW_ERR_INVAL, NULL),	/* host bits */
		ROW(S("10.0.0.0/33"), DW_ERR_RANGE, NULL),
		ROW(S("10.0.0.0/100"), DW_ERR_RANGE, NULL),
		ROW(S("10.0.0.0/4294967296"), DW_ERR_RANGE, NULL),
		ROW(S("::1/129"), DW_ERR_RANGE, NULL),
		ROW(S("::/999"), DW_ERR_RANGE, NULL),
		ROW(S("::ffff:10.0.0.0/129"), DW_ERR_RANGE, NULL),
		ROW(S("10.0.0.1/8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/7"), DW_OK, "10.0.0.0/7"),
		ROW(S("11.0.0.0/7"), DW_ERR_INVAL, NULL),
		ROW(S("10.128.0.0/8"), DW_ERR_INVAL, NULL),
		ROW(S("192.0.2.1/31"), DW_ERR_INVAL, NULL),
		ROW(S("1.2.3.4/0"), DW_ERR_INVAL, NULL),
		ROW(S("2001:db8::1/64"), DW_ERR_INVAL, NULL),
		ROW(S("::1/127"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/08"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/00"), DW_ERR_INVAL, NULL),
		ROW(S("::/0128"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/+8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/-8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/ 8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/8 "), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0 /8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/8/8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/0x8"), DW_ERR_INVAL, NULL),
		ROW(S("/"), DW_ERR_INVAL, NULL),
		ROW(S("/8"), DW_ERR_INVAL, NULL),
		ROW(S("1.2.3.4/"), DW_ERR_INVAL, NULL),
		ROW(S(" 1.2.3.4"), DW_ERR_INVAL, NULL),
		ROW(S(""), DW_ERR_INVAL, NULL),
		ROW(S("LOCAL"), DW_ERR_INVAL, NULL),
		ROW(S("localhost/32"), DW_ERR_INVAL, NULL),
		ROW(S("fe80::%eth0/64"), DW_ERR_INVAL, NULL),
		ROW(S("fe80::/64%eth0"), DW_ERR_INVAL, NULL),
		ROW(S("[::1]/128"), DW_ERR_INVAL, NULL),
		ROW(S("[::1/128]"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/8\0"), DW_ERR_INVAL, NULL),
	};
	struct dw_cidr	c;
	char		out[DW_CIDR_TEXT_MAX];
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&c, 0x5a, sizeof(c));
		rc = dw_cidr_parse(t[i].s, t[i].len, &c);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc != DW_OK) {
			if (c.prefix != 0x5a5a5a5a)
				fail_msg("row at line %d: out written",
				    t[i].line);
			continue;
		}
		assert_int_equal(dw_cidr_format(&c, out, sizeof(out)), DW_OK);
		if (strcmp(out, t[i].text) != 0)
			fail_msg("row at line %d: formatted %s", t[i].line,
			    out);
	}
	assert_int_equal(dw_cidr_parse(NULL, 0, &c), DW_ERR_INVAL);
	assert_int_equal(dw_cidr_parse(S("10.0.0.0/8"), NULL), DW_ERR_INVAL);
}

/* Every IPv6 prefix length: the range of 2001:db8:...:ffff with the host
 * bits cleared parses, one set host bit is refused, and the edges
 * match. */
static void
test_v6_prefixes(void **state)
{
	struct dw_cidr	c;
	struct dw_addr	all, a;
	char		text[DW_CIDR_TEXT_MAX], net[DW_CIDR_TEXT_MAX];
	unsigned	p, i;
	int		n;

	assert_int_equal(dw_addr_parse(S("ffff:ffff:ffff:ffff:ffff:ffff:"
	    "ffff:fffe"), &all), DW_OK);
	for (p = 0; p <= 128; p++) {
		struct dw_cidr	want;

		/* The network: all's first p bits. */
		memset(&want, 0, sizeof(want));
		want.addr.family = AF_INET6;
		for (i = 0; i < p; i++)
			if (all.bytes[i / 8] & (0x80 >> (i % 8)))
				want.addr.bytes[i / 8] |=
				    (unsigned char)(0x80 >> (i % 8));
		want.prefix = p;
		assert_int_equal(dw_cidr_format(&want, net, sizeof(net)),
		    DW_OK);
		assert_int_equal(dw_cidr_parse(net, strlen(net), &c), DW_OK);
		assert_int_equal(c.prefix, p);
		assert_memory_equal(c.addr.bytes, want.addr.bytes, 16);
		/* all is inside (the last bit is 0, so p = 128 too). */
		if (p < 128 || !(all.bytes[15] & 1))
			assert_true(dw_cidr_match(&c, &all));
		/* Flipping the last network bit leaves the range. */
		if (p > 0) {
			a = all;
			a.bytes[(p - 1) / 8] ^=
			    (unsigned char)(0x80 >> ((p - 1) % 8));
			assert_false(dw_cidr_match(&c, &a));
		}
		/* Flipping the first host bit stays inside. */
		if (p < 128) {
			a = all;
			a.bytes[p / 8] ^= (unsigned char)(0x80 >> (p % 8));
			assert_true(dw_cidr_match(&c, &a));
			/* The network with that host bit set is refused. */
			c.addr.bytes[p / 8] |= (unsigned char)(0x80 >> (p % 8));
			assert_int_equal(dw_cidr_format(&c, text,
			    sizeof(text)), DW_OK);
			assert_int_equal(dw_cidr_parse(text, strlen(text),
			    &c), DW_ERR_INVAL);
		}
		/* Leading zeros in the prefix are refused. */
		n = snprintf(text, sizeof(text), "::/0%u", p);
		assert_true(n > 0 && (size_t)n < sizeof(text));
		assert_int_equal(dw_cidr_parse(text, (size_t)n, &c),
		    DW_ERR_INVAL);
	}
}

static void
test_match(void **state)
{
	static const struct {
		int		 line;
		const char	*range;
		const char	*addr;
		bool		 in;
	} t[] = {
		ROW("10.0.0.0/8", "10.0.0.5", true),
		ROW("10.0.0.0/8", "10.255.255.255", true),
		ROW("10.0.0.0/8", "11.0.0.0", false),
		ROW("10.0.0.0/8", "9.255.255.255", false),
		ROW("10.0.0.0/8", "::ffff:10.0.0.5", true),
		ROW("10.0.0.0/8", "::ffff:8.8.8.8", false),
		ROW("10.0.0.0/8", "::10.0.0.5", false),	/* not mapped */
		ROW("::ffff:10.0.0.0/104", "10.1.2.3", true),
		ROW("0.0.0.0/0", "8.8.8.8", true),
		ROW("0.0.0.0/0", "::1", false),
		ROW("::/0", "::1", true),
		ROW("::/0", "10.0.0.5", false),		/* families differ */
		ROW("::/0", "::ffff:10.0.0.5", false),
		ROW("192.0.2.7", "192.0.2.7", true),
		ROW("192.0.2.7", "192.0.2.6", false),
		ROW("192.0.2.128/25", "192.0.2.127", false),
		ROW("192.0.2.128/25", "192.0.2.128", true),
		ROW("2001:db8::/32", "2001:db8:ffff::1", true),
		ROW("2001:db8::/32", "2001:db9::1", false),
		ROW("fe80::/10", "febf::1", true),
		ROW("fe80::/10", "fec0::1", false),
	};
	struct dw_cidr	c;
	struct dw_addr	a;
	size_t		i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(dw_cidr_parse(t[i].range, strlen(t[i].range),
		    &c), DW_OK);
		assert_int_equal(dw_addr_parse(t[i].addr, strlen(t[i].addr),
		    &a), DW_OK);
		if (dw_cidr_match(&c, &a) != t[i].in)
			fail_msg("row at line %d: match %d", t[i].line,
			    !t[i].in);
	}
	assert_false(dw_cidr_match(NULL, &a));
	assert_false(dw_cidr_match(&c, NULL));
	/* A malformed structure never matches. */
	memset(&c, 0, sizeof(c));
	assert_false(dw_cidr_match(&c, &a));
	c.addr.family = AF_INET;
	c.prefix = 33;
	a.family = AF_INET;
	assert_false(dw_cidr_match(&c, &a));
}

static void
test_format(void **state)
{
	struct dw_cidr	c;
	char		out[DW_CIDR_TEXT_MAX];

	/* The longest form fits in DW_CIDR_TEXT_MAX. */
	assert_int_equal(dw_cidr_parse(S("ffff:ffff:ffff:ffff:ffff:ffff:"
	    "ffff:ffff"), &c), DW_OK);
	assert_int_equal(dw_cidr_format(&c, out, sizeof(out)), DW_OK);
	assert_string_equal(out,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_int_equal(dw_cidr_parse(S("10.0.0.0/8"), &c), DW_OK);
	assert_int_equal(dw_cidr_format(&c, out, 11), DW_OK);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_cidr_format(&c, out, 10), DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_cidr_format(&c, out, 0), DW_ERR_TOOLONG);
	assert_int_equal(dw_cidr_format(NULL, out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_cidr_format(&c, NULL, sizeof(out)),
	    DW_ERR_INVAL);
	c.prefix = 33;
	assert_int_equal(dw_cidr_format(&c, out, sizeof(out)), DW_ERR_INVAL);
	c.addr.family = 0;
	c.prefix = 0;
	assert_int_equal(dw_cidr_format(&c, out, sizeof(out)), DW_ERR_INVAL);
}

static void
test_allowlist(void **state)
{
	static const struct {
		int		 line;
		const char	*addr;	/* NULL: no address */
		size_t		 len;
		enum dw_decision want;
	} t[] = {
		ROW(S("10.0.0.5"), DW_ALLOW),
		ROW(S("10.255.0.1"), DW_ALLOW),
		ROW(S("::ffff:10.0.0.5"), DW_ALLOW),
		ROW(S("2001:db8::42"), DW_ALLOW),
		ROW(S("::ffff:8.8.8.8"), DW_DENY),
		ROW(S("8.8.8.8"), DW_DENY),
		ROW(S("11.0.0.0"), DW_DENY),
		ROW(S("2001:db9::42"), DW_DENY),
		ROW(S("LOCAL"), DW_DENY),
		ROW(S("localhost"), DW_DENY),
		ROW(S(""), DW_DENY),
		ROW(S("10.0.0.5:389"), DW_DENY),
		ROW(S("IP=10.0.0.5:389"), DW_DENY),
		ROW(S("[2001:db8::42]"), DW_DENY),
		ROW(S("2001:db8::42%eth0"), DW_DENY),
		ROW(S(" 10.0.0.5"), DW_DENY),
		ROW(NULL, 0, DW_DENY),
	};
	struct dw_cidr	list[2];
	size_t		i;

	assert_int_equal(dw_cidr_parse(S("10.0.0.0/8"), &list[0]), DW_OK);
	assert_int_equal(dw_cidr_parse(S("2001:db8::/32"), &list[1]), DW_OK);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (dw_allowlist_check(list, 2, t[i].addr, t[i].len) !=
		    t[i].want)
			fail_msg("row at line %d: wrong decision", t[i].line);
		/* An empty list allows everyone, even no address. */
		if (dw_allowlist_check(list, 0, t[i].addr, t[i].len) !=
		    DW_ALLOW)
			fail_msg("row at line %d: empty list denied",
			    t[i].line);
	}
	assert_int_equal(dw_allowlist_check(NULL, 0, NULL, 0), DW_ALLOW);
	assert_int_equal(dw_allowlist_check(NULL, 1, S("10.0.0.5")), DW_DENY);
	/* Only the first n ranges count. */
	assert_int_equal(dw_allowlist_check(list, 1, S("2001:db8::42")),
	    DW_DENY);
}

/* dw_addr_format: canonical text, mapped IPv6 as IPv4, bounds. */
static void
test_addr_format(void **state)
{
	static const struct {
		int		 line;
		const char	*in, *out;
	} t[] = {
		ROW("192.0.2.7", "192.0.2.7"),
		ROW("::ffff:10.0.0.5", "10.0.0.5"),
		ROW("2001:DB8:0:0:0:0:0:7", "2001:db8::7"),
		ROW("::1", "::1"),
	};
	struct dw_addr	a;
	char		buf[64];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(dw_addr_parse(t[i].in, strlen(t[i].in), &a),
		    DW_OK);
		assert_int_equal(dw_addr_format(&a, buf, sizeof(buf)), DW_OK);
		if (strcmp(buf, t[i].out) != 0)
			fail_msg("row at line %d: %s", t[i].line, buf);
	}
	assert_int_equal(dw_addr_parse(S("192.0.2.7"), &a), DW_OK);
	assert_int_equal(dw_addr_format(&a, buf, 9), DW_ERR_TOOLONG);
	assert_int_equal(dw_addr_format(&a, buf, 10), DW_OK);
	a.family = 12345;
	assert_int_equal(dw_addr_format(&a, buf, sizeof(buf)), DW_ERR_INVAL);
	assert_int_equal(dw_addr_format(NULL, buf, sizeof(buf)), DW_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_v6_prefixes),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_allowlist),
	};

	return cmocka_run_group_tests_name("dw_cidr", tests, NULL, NULL);
}
