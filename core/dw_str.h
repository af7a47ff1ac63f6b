/*
 * dw_str.h: locale-independent ASCII helpers shared by the core modules.
 * Internal to core/ (not used by the glue).
 */
#ifndef DW_STR_H
#define DW_STR_H

#include <stddef.h>

/* c lower-cased if it is an ASCII capital, else c unchanged. */
char dw_ascii_lower(char c);

/* Do s[0..len) and the C string lit match, ASCII case-insensitively?
 * Lengths must be equal. */
int dw_ascii_caseeq(const char *s, size_t len, const char *lit);

/* Does s[0..len) start with the C string lit, ASCII case-insensitively? */
int dw_ascii_caseprefix(const char *s, size_t len, const char *lit);

#endif
