/*
 * test_qr.c: the terminal rendering of a QR code, read back module by
 * module and compared with libqrencode's own matrix for the same text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>

#include "dw_qr.h"

#define URI	"otpauth://totp/DramWell:alice%40example.org?secret=" \
		"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=DramWell" \
		"&algorithm=SHA1&digits=6&period=30"

/*
 * Parse the rendering back into a side x side matrix of light modules
 * (true = light).  Fails the test on any character other than the four
 * cells, or on ragged lines.
 */
/* The cell at p: its two modules (true = light) and its size in bytes. */
static size_t
cell(const char *p, bool *up, bool *down)
{
	if (*p == ' ') {
		*up = *down = false;
		return 1;
	}
	if (strncmp(p, "\xe2\x96\x88", 3) == 0) {
		*up = *down = true;
		return 3;
	}
	if (strncmp(p, "\xe2\x96\x80", 3) == 0) {
		*up = true;
		*down = false;
		return 3;
	}
	if (strncmp(p, "\xe2\x96\x84", 3) == 0) {
		*up = false;
		*down = true;
		return 3;
	}
	fail_msg("unexpected byte 0x%02x", (unsigned char)*p);
	return 0;
}

/*
 * Parse the rendering back into a matrix of light modules, side columns
 * and side + 1 rows (the last only for an odd side).  Fails the test on
 * any other character or on ragged or missing lines.
 */
static bool *
read_back(const char *s, int *sidep)
{
	const char *p;
	bool *m, up, down;
	int side = 0, lines = 0, x, y = 0;

	for (p = s; *p != '\0' && *p != '\n'; side++)
		p += cell(p, &up, &down);
	for (p = s; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_true(side > 0);
	assert_int_equal(lines, (side + 1) / 2);
	m = calloc((size_t)side * (size_t)(side + 1), sizeof(*m));
	assert_non_null(m);
	for (p = s; *p != '\0'; p++, y += 2) {
		for (x = 0; *p != '\n'; x++) {
			assert_true(*p != '\0' && x < side);
			p += cell(p, &up, &down);
			m[y * side + x] = up;
			m[(y + 1) * side + x] = down;
		}
		assert_int_equal(x, side);
	}
	*sidep = side;
	return m;
}

static void
test_render_matches_libqrencode(void **state)
{
	QRcode	*q;
	char	*out = NULL;
	bool	*m, want;
	int	 side, x, y, qx, qy;

	(void)state;
	assert_int_equal(dw_qr_render(URI, &out), DW_OK);
	assert_non_null(out);
	q = QRcode_encodeString8bit(URI, 0, QR_ECLEVEL_M);
	assert_non_null(q);
	m = read_back(out, &side);
	assert_int_equal(side, q->width + 2 * DW_QR_QUIET);
	/* Fits an 80-column terminal. */
	assert_true(side <= 80);
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++) {
			qx = x - DW_QR_QUIET;
			qy = y - DW_QR_QUIET;
			if (qx < 0 || qy < 0 || qx >= q->width ||
			    qy >= q->width)
				want = true;	/* quiet zone */
			else
				want = (q->data[qy * q->width + qx] & 1) == 0;
			if (m[y * side + x] != want)
				fail_msg("module %d,%d", x, y);
		}
	/* The last line of an odd side has only upper halves lit (the
	 * lower half is background). */
	if (side % 2 == 1)
		for (x = 0; x < side; x++)
			assert_false(m[side * side + x]);
	QRcode_free(q);
	free(m);
	free(out);
}

static void
test_render_errors(void **state)
{
	char	*out = (char *)"untouched", *big;

	(void)state;
	assert_int_equal(dw_qr_render(NULL, &out), DW_ERR_INVAL);
	assert_int_equal(dw_qr_render("", &out), DW_ERR_INVAL);
	assert_int_equal(dw_qr_render("x", NULL), DW_ERR_INVAL);
	big = malloc(DW_QR_TEXT_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', DW_QR_TEXT_MAX + 1);
	big[DW_QR_TEXT_MAX + 1] = '\0';
	assert_int_equal(dw_qr_render(big, &out), DW_ERR_TOOLONG);
	assert_string_equal(out, "untouched");
	/* The cap itself renders. */
	big[DW_QR_TEXT_MAX] = '\0';
	assert_int_equal(dw_qr_render(big, &out), DW_OK);
	free(out);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_matches_libqrencode),
		cmocka_unit_test(test_render_errors),
	};

	return cmocka_run_group_tests_name("dw_qr", tests, NULL, NULL);
}
