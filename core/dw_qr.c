/*
 * dw_qr.c: QR codes as terminal text (libqrencode).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "dw_qr.h"

/* UTF-8 of the cells: both modules light, upper light, lower light. */
#define CELL_FULL	"\xe2\x96\x88"	/* U+2588 */
#define CELL_UPPER	"\xe2\x96\x80"	/* U+2580 */
#define CELL_LOWER	"\xe2\x96\x84"	/* U+2584 */
#define CELL_BYTES	3

/* Is module (x, y) of the padded image light?  Outside the symbol is the
 * quiet zone, which is light. */
static bool
light(const QRcode *q, int x, int y)
{
	int w = q->width;

	x -= DW_QR_QUIET;
	y -= DW_QR_QUIET;
	if (x < 0 || y < 0 || x >= w || y >= w)
		return true;
	return (q->data[y * w + x] & 1) == 0;
}

int
dw_qr_render(const char *text, char **out)
{
	QRcode *q = NULL;
	char *buf = NULL, *p;
	size_t len, size = 0, rows;
	int side, x, y, rc = DW_ERR_INVAL;
	bool up, down;

	if (text == NULL || out == NULL || *text == '\0')
		return DW_ERR_INVAL;
	len = strnlen(text, DW_QR_TEXT_MAX + 1);
	if (len > DW_QR_TEXT_MAX)
		return DW_ERR_TOOLONG;
	errno = 0;
	q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (q == NULL) {
		if (errno == ENOMEM)
			rc = DW_ERR_NOMEM;
		else if (errno == ERANGE)
			rc = DW_ERR_TOOLONG;
		goto out;
	}
	side = q->width + 2 * DW_QR_QUIET;
	rows = ((size_t)side + 1) / 2;
	/* Each line: side cells of at most CELL_BYTES, and a newline. */
	size = rows * ((size_t)side * CELL_BYTES + 1) + 1;
	if ((buf = malloc(size)) == NULL) {
		rc = DW_ERR_NOMEM;
		goto out;
	}
	p = buf;
	for (y = 0; y < side; y += 2) {
		for (x = 0; x < side; x++) {
			up = light(q, x, y);
			/* An odd last row: the row below is terminal
			 * background, i.e. dark. */
			down = y + 1 < side && light(q, x, y + 1);
			if (up && down)
				memcpy(p, CELL_FULL, CELL_BYTES);
			else if (up)
				memcpy(p, CELL_UPPER, CELL_BYTES);
			else if (down)
				memcpy(p, CELL_LOWER, CELL_BYTES);
			else {
				*p++ = ' ';
				continue;
			}
			p += CELL_BYTES;
		}
		*p++ = '\n';
	}
	*p = '\0';
	*out = buf;
	buf = NULL;
	rc = DW_OK;
out:
	if (buf != NULL) {
		explicit_bzero(buf, size);
		free(buf);
	}
	if (q != NULL) {
		/* The modules spell out the secret in the URI. */
		explicit_bzero(q->data, (size_t)q->width * (size_t)q->width);
		QRcode_free(q);
	}
	return rc;
}
