/*
 * dw_account.h: admin account state (dwAccountStatus).
 */
#ifndef DW_ACCOUNT_H
#define DW_ACCOUNT_H

#include <stddef.h>
#include "dw_err.h"

enum dw_account_state {
	DW_ACCOUNT_INVITED = 1,
	DW_ACCOUNT_ACTIVE,
	DW_ACCOUNT_DEACTIVATED,
};

/* Parse "invited", "active", "deactivated" (ASCII case-insensitive,
 * exact length).  Anything else: DW_ERR_INVAL. */
int dw_account_state_parse(const char *s, size_t len,
    enum dw_account_state *out);

/* Canonical lower-case name; "invalid" for an out-of-range value. */
const char *dw_account_state_name(enum dw_account_state st);

/*
 * The account-state rule: may this account authenticate?  status is the
 * stored dwAccountStatus value (NULL or malformed: deny, fail closed).
 * Only "active" is allowed.
 */
enum dw_decision dw_account_may_authenticate(const char *status, size_t len);

#endif
