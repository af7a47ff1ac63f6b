/*
 * dw_qr.h: a QR code of a string (an otpauth:// URI) as text for a
 * terminal, with libqrencode.  Kept out of libdwcore (in libdwqr.la) so
 * that slapd, which loads the overlay, never loads libqrencode; only the
 * PAM module and dwadm link it.
 */
#ifndef DW_QR_H
#define DW_QR_H

#include "dw_err.h"

#define DW_QR_TEXT_MAX	1024	/* bytes of input */
#define DW_QR_QUIET	4	/* modules of quiet zone, as ISO/IEC 18004 */

/*
 * Render text (1..DW_QR_TEXT_MAX bytes, error correction level M) as
 * UTF-8 lines ending in '\n', two module rows per line with the half
 * block characters U+2580, U+2584, U+2588 and spaces.  It is drawn for a
 * terminal with light text on a dark background: light modules (and the
 * quiet zone) are the drawn ones, so on such a terminal the code shows
 * dark on light, as scanners expect.  *out is malloc'd, NUL-terminated;
 * it encodes the text (a TOTP secret), so the caller wipes it
 * (explicit_bzero or sodium_memzero) and frees it.  Errors: DW_ERR_INVAL
 * (NULL or empty text, or another libqrencode failure), DW_ERR_TOOLONG
 * (over the cap or over what a QR code holds), DW_ERR_NOMEM.
 */
int dw_qr_render(const char *text, char **out);

#endif
