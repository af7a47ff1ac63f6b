/*
 * dw_account.c: admin account state (dwAccountStatus) and the rule that
 * only an active account may authenticate.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "dw_account.h"
#include "dw_str.h"

static const struct {
	const char		*name;
	enum dw_account_state	 state;
} account_states[] = {
	{ "invited", DW_ACCOUNT_INVITED },
	{ "active", DW_ACCOUNT_ACTIVE },
	{ "deactivated", DW_ACCOUNT_DEACTIVATED },
};

#define NSTATES	(sizeof(account_states) / sizeof(account_states[0]))

int
dw_account_state_parse(const char *s, size_t len,
    enum dw_account_state *out)
{
	size_t	i;

	if (s == NULL || out == NULL)
		return DW_ERR_INVAL;
	for (i = 0; i < NSTATES; i++) {
		if (dw_ascii_caseeq(s, len, account_states[i].name)) {
			*out = account_states[i].state;
			return DW_OK;
		}
	}
	return DW_ERR_INVAL;
}

const char *
dw_account_state_name(enum dw_account_state st)
{
	size_t	i;

	for (i = 0; i < NSTATES; i++)
		if (account_states[i].state == st)
			return account_states[i].name;
	return "invalid";
}

enum dw_decision
dw_account_may_authenticate(const char *status, size_t len)
{
	enum dw_account_state	st;

	if (status == NULL)
		return DW_DENY;
	if (dw_account_state_parse(status, len, &st) != DW_OK)
		return DW_DENY;
	return st == DW_ACCOUNT_ACTIVE ? DW_ALLOW : DW_DENY;
}
