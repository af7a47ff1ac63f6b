/*
 * dramwell_policy.c: the security policy as the overlay reads it, and the
 * password policy every new password goes through.
 *
 * - dramwell_policy_read: the policy entry, read fresh for every decision
 *   that needs it (a bind, a password write, an invitation, the session
 *   purge): nothing is cached, so a change holds for the next operation.
 *   The seven keys of the first policy (dwMfaRequired, dwSessionIdle-
 *   Timeout, dwPasswordMinLength, dwPasswordMinClasses, dwPasswordMaxAge,
 *   dwInviteLifetime, dwAuditRetentionMonths) must be present: dwadm init
 *   writes them and no LDAP write may delete them, so a policy without
 *   one was damaged offline, and the overlay fails closed.  The keys added
 *   with the lockout and the password history take their defaults when
 *   absent (a directory made before them keeps working); the allowlist is
 *   multi-valued, none meaning everyone.  Any malformed value, or several
 *   values of a single-valued key: fail closed.
 * - dramwell_password_check: the quality rules (length in characters,
 *   classes, the e-mail name, the common-password dictionary) and reuse
 *   (the current password and the newest dwPasswordHistoryCount previous
 *   ones, verified against their stored hashes).  The refusal names the
 *   rule, never the password.
 */
#include "dramwell.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dw_passwd.h"
#include "dw_policy.h"

#define DRAMWELL_POLICY_TEXT "security policy unavailable"
#define DRAMWELL_PW_TEXT_MAX 256
#define DRAMWELL_PW_REUSED "password refused: password was used recently"

static int dramwell_server_attrs_resolve(const char **text);

static struct {
	AttributeDescription *ad[DW_POL__COUNT];
	AttributeDescription *history; /* dwPasswordHistory */
	AttributeDescription *uid, *mail;
} dramwell_pol;

/* The keys a policy entry must carry (see above). */
static int
dramwell_policy_required(enum dw_policy_key k)
{
	switch (k) {
	case DW_POL_MFA_REQUIRED:
	case DW_POL_IDLE_TIMEOUT:
	case DW_POL_PW_MIN_LENGTH:
	case DW_POL_PW_MIN_CLASSES:
	case DW_POL_PW_MAX_AGE:
	case DW_POL_INVITE_LIFETIME:
	case DW_POL_AUDIT_RETENTION:
		return 1;
	default:
		return 0;
	}
}

int
dramwell_policy_schema_resolve(const char **text)
{
	int k;

	for (k = 0; k < DW_POL__COUNT; k++) {
		if (dramwell_pol.ad[k] != NULL)
			continue;
		if (slap_str2ad(dw_policy_attr((enum dw_policy_key)k),
			&dramwell_pol.ad[k], text) != LDAP_SUCCESS) {
			dramwell_pol.ad[k] = NULL;
			return -1;
		}
	}
	if ((dramwell_pol.history == NULL &&
		slap_str2ad("dwPasswordHistory", &dramwell_pol.history,
		    text) != LDAP_SUCCESS) ||
	    (dramwell_pol.uid == NULL &&
		slap_str2ad("uid", &dramwell_pol.uid, text) != LDAP_SUCCESS) ||
	    (dramwell_pol.mail == NULL &&
		slap_str2ad("mail", &dramwell_pol.mail, text) != LDAP_SUCCESS))
		return -1;
	return dramwell_server_attrs_resolve(text);
}

/*
 * The dramwell instance whose state is di, on the database of op (a copy
 * of it inside the overlay chain, or the database itself in a task).
 */
static slap_overinst *
dramwell_policy_instance(Operation *op, struct dramwell_info *di)
{
	BackendDB *be;
	slap_overinst *on;

	if (op->o_bd == NULL)
		return NULL;
	if (op->o_bd->bd_info->bi_private == di)
		return (slap_overinst *)op->o_bd->bd_info;
	be = op->o_bd->bd_self;
	if (be == NULL || !overlay_is_over(be))
		return NULL;
	on = ((slap_overinfo *)be->bd_info->bi_private)->oi_list;
	for (; on != NULL; on = on->on_next)
		if (on->on_bi.bi_private == di)
			return on;
	return NULL;
}

int
dramwell_policy_read(Operation *op, struct dramwell_info *di,
    struct dw_policy *out, const char **text)
{
	slap_overinst *on;
	Entry *e = NULL;
	Attribute *a;
	const char *bad = "not found";
	int k = 0, rc = LDAP_OTHER;
	unsigned i;

	*text = DRAMWELL_POLICY_TEXT;
	dw_policy_default(out);
	on = dramwell_policy_instance(op, di);
	if (on == NULL || dramwell_pol.ad[0] == NULL ||
	    select_backend(&di->di_policy_ndn, 0) != op->o_bd->bd_self) {
		Debug(LDAP_DEBUG_ANY,
		    "%s dramwell: policy \"%s\" is not in this database: "
		    "every decision that needs it is refused\n",
		    op->o_log_prefix, di->di_policy_dn.bv_val);
		return LDAP_OTHER;
	}
	if (overlay_entry_get_ov(op, &di->di_policy_ndn, NULL, NULL, 0, &e,
		on) != LDAP_SUCCESS ||
	    e == NULL) {
		e = NULL;
		goto out;
	}
	for (k = 0; k < DW_POL__COUNT; k++) {
		a = attr_find(e->e_attrs, dramwell_pol.ad[k]);
		if (a == NULL || a->a_numvals == 0) {
			if (dramwell_policy_required((enum dw_policy_key)k)) {
				bad = "missing";
				goto out;
			}
			continue;
		}
		if (!dw_policy_multi((enum dw_policy_key)k) &&
		    a->a_numvals != 1) {
			bad = "has several values";
			goto out;
		}
		for (i = 0; i < a->a_numvals; i++) {
			if (dw_policy_set(out, (enum dw_policy_key)k,
				a->a_vals[i].bv_val,
				a->a_vals[i].bv_len) != DW_OK) {
				bad = "malformed";
				goto out;
			}
		}
	}
	rc = LDAP_SUCCESS;
	*text = NULL;
out:
	if (rc != LDAP_SUCCESS)
		Debug(LDAP_DEBUG_ANY,
		    "%s dramwell: policy \"%s\"%s%s %s: failing closed\n",
		    op->o_log_prefix, di->di_policy_dn.bv_val,
		    e != NULL ? ": " : "",
		    e != NULL ? dw_policy_attr((enum dw_policy_key)k) : "",
		    bad);
	if (e != NULL)
		overlay_entry_release_ov(op, e, 0, on);
	return rc;
}

/* --- the password policy ---------------------------------------------- */

void
dramwell_entry_email(Entry *e, struct berval *out)
{
	Attribute *a;
	unsigned i;

	BER_BVZERO(out);
	if (e == NULL || dramwell_pol.uid == NULL)
		return;
	a = attr_find(e->e_attrs, dramwell_pol.uid);
	for (i = 0; a != NULL && i < a->a_numvals; i++) {
		if (memchr(a->a_vals[i].bv_val, '@', a->a_vals[i].bv_len) !=
		    NULL) {
			*out = a->a_vals[i];
			return;
		}
	}
	a = attr_find(e->e_attrs, dramwell_pol.mail);
	if (a != NULL && a->a_numvals > 0)
		*out = a->a_vals[0];
}

/* "password refused: <why>[ (the numbers)]" in o_tmpmemctx; core's
 * "password is too short" reads "password refused: too short". */
static const char *
dramwell_pw_text(Operation *op, const char *why, const struct dw_policy *pol,
    int numbers)
{
	char *buf;
	int n;

	if (strncmp(why, "password ", 9) == 0)
		why += 9;
	if (strncmp(why, "is ", 3) == 0)
		why += 3;
	buf = op->o_tmpalloc(DRAMWELL_PW_TEXT_MAX, op->o_tmpmemctx);
	if (numbers)
		n = snprintf(buf, DRAMWELL_PW_TEXT_MAX,
		    "password refused: %s (the security policy asks for at "
		    "least %u characters and %u of the 4 character classes)",
		    why, pol->pw_min_length, pol->pw_min_classes);
	else
		n = snprintf(buf, DRAMWELL_PW_TEXT_MAX, "password refused: %s",
		    why);
	if (n < 0 || n >= DRAMWELL_PW_TEXT_MAX) {
		op->o_tmpfree(buf, op->o_tmpmemctx);
		return "password refused: it does not meet the security "
		       "policy";
	}
	return buf;
}

/* The quality rules.  LDAP code, *text. */
static int
dramwell_pw_quality(Operation *op, const struct dw_policy *pol,
    const struct berval *email, const struct berval *pw, const char **text)
{
	struct dw_pw_rules r;
	const char *why = NULL;
	int err;

	/* Length and classes first, on their own, so that their refusal can
	 * say what the policy asks for. */
	err = dw_passwd_quality(pw->bv_val, pw->bv_len, pol->pw_min_length,
	    pol->pw_min_classes, &why);
	if (err == DW_ERR_DENIED) {
		*text = dramwell_pw_text(op,
		    why != NULL ? why : "it does not meet the security policy",
		    pol, 1);
		return LDAP_CONSTRAINT_VIOLATION;
	}
	dw_policy_pw_rules(pol, &r);
	why = NULL;
	err = dw_passwd_policy_check(pw->bv_val, pw->bv_len, &r,
	    email != NULL && !BER_BVISNULL(email) ? email->bv_val : NULL,
	    email != NULL && !BER_BVISNULL(email) ? email->bv_len : 0, &why);
	switch (err) {
	case DW_OK:
		return LDAP_SUCCESS;
	case DW_ERR_DENIED:
		*text = dramwell_pw_text(op,
		    why != NULL ? why : "it does not meet the security policy",
		    pol, 0);
		return LDAP_CONSTRAINT_VIOLATION;
	case DW_ERR_INVAL:
		*text = "password refused: not UTF-8, or contains a NUL byte";
		return LDAP_CONSTRAINT_VIOLATION;
	case DW_ERR_IO:
		Debug(LDAP_DEBUG_ANY,
		    "%s dramwell: the common-password dictionary cannot be "
		    "read: password changes are refused\n",
		    op->o_log_prefix);
		*text = "password refused: the common-password dictionary is "
			"unavailable";
		return LDAP_OTHER;
	default:
		*text = "password refused: the password policy cannot be "
			"checked";
		return LDAP_OTHER;
	}
}

/* One dwPasswordHistory value, parsed. */
struct dramwell_hist {
	int64_t h_time;
	const char *h_hash;
	size_t h_len;
};

static int
dramwell_hist_newest_first(const void *a, const void *b)
{
	const struct dramwell_hist *x = a, *y = b;

	return x->h_time < y->h_time ? 1 : x->h_time > y->h_time ? -1 : 0;
}

/* Does pw verify against stored?  1 yes, 0 no, -1 the check failed. */
static int
dramwell_pw_matches(
    Operation *op, const char *stored, size_t len, const struct berval *pw)
{
	switch (dw_passwd_verify(stored, len, pw->bv_val, pw->bv_len)) {
	case DW_OK:
		return 1;
	case DW_ERR_DENIED:
		return 0;
	case DW_ERR_INVAL:
		/* Not an {ARGON2} value (a value loaded offline): it cannot
		 * be compared, and it never blocks a new password. */
		Debug(LDAP_DEBUG_TRACE,
		    "%s dramwell: a stored password is not argon2id; not "
		    "compared for reuse\n",
		    op->o_log_prefix);
		return 0;
	default:
		return -1;
	}
}

/* Reuse: the current password and the newest pw_history previous ones. */
static int
dramwell_pw_reuse(Operation *op, const struct dw_policy *pol, Entry *cur,
    const struct berval *pw, const char **text)
{
	struct dramwell_hist *h = NULL;
	Attribute *a;
	unsigned i, n = 0, keep;
	int m, rc = LDAP_OTHER;

	*text = "password refused: the password history cannot be checked";
	a = attr_find(cur->e_attrs, slap_schema.si_ad_userPassword);
	for (i = 0; a != NULL && i < a->a_numvals; i++) {
		m = dramwell_pw_matches(
		    op, a->a_vals[i].bv_val, a->a_vals[i].bv_len, pw);
		if (m < 0)
			return LDAP_OTHER;
		if (m > 0) {
			*text = DRAMWELL_PW_REUSED;
			return LDAP_CONSTRAINT_VIOLATION;
		}
	}
	a = attr_find(cur->e_attrs, dramwell_pol.history);
	if (pol->pw_history == 0 || a == NULL || a->a_numvals == 0)
		return LDAP_SUCCESS;
	h = op->o_tmpalloc(a->a_numvals * sizeof(*h), op->o_tmpmemctx);
	for (i = 0; i < a->a_numvals; i++) {
		if (dw_pwhist_parse(a->a_vals[i].bv_val, a->a_vals[i].bv_len,
			&h[n].h_time, &h[n].h_hash, &h[n].h_len) != DW_OK) {
			Debug(LDAP_DEBUG_ANY,
			    "%s dramwell: \"%s\": a malformed "
			    "dwPasswordHistory value is ignored\n",
			    op->o_log_prefix, cur->e_name.bv_val);
			continue;
		}
		n++;
	}
	qsort(h, n, sizeof(*h), dramwell_hist_newest_first);
	keep = n < pol->pw_history ? n : pol->pw_history;
	for (i = 0; i < keep; i++) {
		m = dramwell_pw_matches(op, h[i].h_hash, h[i].h_len, pw);
		if (m < 0)
			goto out;
		if (m > 0) {
			*text = DRAMWELL_PW_REUSED;
			rc = LDAP_CONSTRAINT_VIOLATION;
			goto out;
		}
	}
	rc = LDAP_SUCCESS;
out:
	op->o_tmpfree(h, op->o_tmpmemctx);
	return rc;
}

int
dramwell_password_check(Operation *op, const struct dw_policy *pol,
    const struct berval *email, Entry *cur, const struct berval *pw,
    const char **text)
{
	int rc;

	if (pw == NULL || BER_BVISNULL(pw)) {
		*text = "password refused: empty";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	rc = dramwell_pw_quality(op, pol, email, pw, text);
	if (rc != LDAP_SUCCESS || cur == NULL)
		return rc;
	return dramwell_pw_reuse(op, pol, cur, pw, text);
}

/* A copy of s (len bytes) as a ch_malloc'ed berval. */
static void
dramwell_bv_set(struct berval *bv, const char *s, size_t len)
{
	bv->bv_val = ch_malloc(len + 1);
	memcpy(bv->bv_val, s, len);
	bv->bv_val[len] = '\0';
	bv->bv_len = len;
}

Modifications *
dramwell_history_mod(Operation *op, const struct dw_policy *pol, Entry *cur,
    time_t now)
{
	char buf[DW_PWHIST_MAX];
	struct dramwell_hist *h = NULL;
	Modifications *ml;
	Attribute *pw, *a;
	unsigned i, n = 0, nv = 0, max;

	pw = attr_find(cur->e_attrs, slap_schema.si_ad_userPassword);
	a = attr_find(cur->e_attrs, dramwell_pol.history);
	if ((pw == NULL || pw->a_numvals == 0) &&
	    (a == NULL || a->a_numvals <= pol->pw_history))
		return NULL; /* nothing moves, nothing to trim */
	max = pol->pw_history;

	ml = ch_calloc(1, sizeof(*ml));
	ml->sml_op = LDAP_MOD_REPLACE;
	ml->sml_flags = SLAP_MOD_INTERNAL;
	ml->sml_desc = dramwell_pol.history;
	ml->sml_type = dramwell_pol.history->ad_cname;
	ml->sml_values = ch_calloc(max + 1, sizeof(struct berval));
	/* The password being replaced first: it is the newest. */
	for (i = 0; pw != NULL && i < pw->a_numvals && nv < max; i++) {
		if (dw_pwhist_format((int64_t)now, pw->a_vals[i].bv_val,
			pw->a_vals[i].bv_len, buf, sizeof(buf)) != DW_OK)
			continue; /* not a hash we could keep */
		dramwell_bv_set(&ml->sml_values[nv++], buf, strlen(buf));
	}
	if (a != NULL && a->a_numvals > 0 && nv < max) {
		h = op->o_tmpalloc(a->a_numvals * sizeof(*h), op->o_tmpmemctx);
		for (i = 0; i < a->a_numvals; i++)
			if (dw_pwhist_parse(a->a_vals[i].bv_val,
				a->a_vals[i].bv_len, &h[n].h_time,
				&h[n].h_hash, &h[n].h_len) == DW_OK)
				n++;
		qsort(h, n, sizeof(*h), dramwell_hist_newest_first);
		for (i = 0; i < n && nv < max; i++) {
			if (dw_pwhist_format(h[i].h_time, h[i].h_hash,
				h[i].h_len, buf, sizeof(buf)) != DW_OK)
				continue;
			dramwell_bv_set(&ml->sml_values[nv++], buf,
			    strlen(buf));
		}
		op->o_tmpfree(h, op->o_tmpmemctx);
	}
	sodium_memzero(buf, sizeof(buf));
	ml->sml_numvals = nv;
	if (nv == 0) {
		/* Replace with nothing: the attribute goes. */
		ch_free(ml->sml_values);
		ml->sml_values = NULL;
	}
	ml->sml_nvalues = NULL;
	return ml;
}

/* --- server-managed attributes ---------------------------------------- */

/*
 * Written only by the overlay (bind, MFA, password changes).  The rootdn
 * may set the ones that only move time or a counter (tests and repairs
 * set an old dwPasswordChangedTime, clear a lockout, ...); never a secret
 * or the history.
 */
static struct {
	const char *name;
	int root_may;
	AttributeDescription *ad;
} dramwell_server_attrs[] = {
    {"dwMfaSecret", 0, NULL},
    {"dwMfaEnabled", 0, NULL},
    {"dwMfaLastStep", 1, NULL},
    {"dwRecoveryCodeHash", 0, NULL},
    {"dwPasswordHistory", 0, NULL},
    {"dwLockout", 1, NULL},
    {"dwPasswordChangedTime", 1, NULL},
};
#define DRAMWELL_NSERVER_ATTRS                                                 \
	(sizeof(dramwell_server_attrs) / sizeof(dramwell_server_attrs[0]))

static int
dramwell_server_attrs_resolve(const char **text)
{
	size_t i;

	for (i = 0; i < DRAMWELL_NSERVER_ATTRS; i++) {
		if (dramwell_server_attrs[i].ad != NULL)
			continue;
		if (slap_str2ad(dramwell_server_attrs[i].name,
			&dramwell_server_attrs[i].ad, text) != LDAP_SUCCESS) {
			dramwell_server_attrs[i].ad = NULL;
			return -1;
		}
	}
	return 0;
}

const char *
dramwell_server_attr(AttributeDescription *ad, int root)
{
	size_t i;

	for (i = 0; i < DRAMWELL_NSERVER_ATTRS; i++) {
		if (dramwell_server_attrs[i].ad == NULL ||
		    ad->ad_type != dramwell_server_attrs[i].ad->ad_type)
			continue;
		if (root && dramwell_server_attrs[i].root_may)
			return NULL;
		return dramwell_server_attrs[i].name;
	}
	return NULL;
}
