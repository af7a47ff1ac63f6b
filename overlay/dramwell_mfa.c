/*
 * dramwell_mfa.c: TOTP multi-factor authentication.
 *
 * Storage, in the admin entry (never client-readable, never client-
 * writable; slapo-dramwell(5) "MFA"):
 *   dwMfaEnabled        TRUE once enrolled; FALSE after a reset
 *   dwMfaSecret         the TOTP secret, sealed with the secretbox key of
 *                       dramwell-mfa-keyfile (dw_secretbox)
 *   dwMfaLastStep       the highest TOTP step accepted: replay protection
 *   dwRecoveryCodeHash  one value per unused recovery code (dw_totp)
 *
 * At bind (step 7 of dramwell_bind.c) the code appended to the password
 * is checked against the secret and the last step; the step moves forward
 * with a compare-and-swap modify (delete the old value, add the new one),
 * and if that write fails the bind fails: of two binds with one code,
 * exactly one gets in.  A recovery code is used up by deleting its exact
 * hash value, which again only one of two concurrent binds can do.
 *
 * The extended operations (core/dw_exop.h; dispatched by dramwell_exop.c):
 *   dwMfaEnroll    the login gate on the credentials in the request, then
 *                  the code must match the offered secret; one modify
 *                  stores secret, flag, step and ten recovery codes, the
 *                  codes are answered (shown once).  Audit "mfa-enroll".
 *   dwMfaRecovery  a bound admin with MFA on gets ten new codes.  Audit
 *                  "mfa-recovery-codes".
 *   dwMfaReset     needs admin-users:write (decided by dramwell_authz.c
 *                  as for a modify of the user's entry); clears it all.
 *                  Audit "mfa-reset".
 * No code, secret or password reaches a log line, an audit entry or an
 * error text; the request's copies are wiped after use.
 */
#include "dramwell.h"

#include <inttypes.h>
#include <string.h>

#include <sodium.h>

#include "dw_account.h"
#include "dw_audit.h"

#define DRAMWELL_MFA_NOKEY_TEXT "MFA is not configured on this server"
#define DRAMWELL_MFA_REPLICA_TEXT                                              \
	"this server is a read-only replica: manage MFA on a provider"
#define DRAMWELL_MFA_MIN_SECRET 16 /* bytes: RFC 4226's minimum */
#define DRAMWELL_MFA_RSP_MAX 256   /* DER of ten recovery codes */

/* --- at bind ---------------------------------------------------------- */

/* The CAS write of a new last step. */
static int
dramwell_mfa_step_write(
    Operation *op, struct dramwell_login *lg, int64_t step)
{
	char buf[32];
	struct berval bv;
	Modifications *mods = NULL, *ml;
	int n;

	n = snprintf(buf, sizeof(buf), "%" PRId64, step);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return LDAP_OTHER;
	ber_str2bv(buf, n, 0, &bv);
	ml = dramwell_mod_new(
	    dramwell_lschema.ad_dwMfaLastStep, LDAP_MOD_ADD, &bv, 1);
	if (ml == NULL)
		return LDAP_OTHER;
	mods = ml;
	if (lg->lg_has_last) {
		/* Only if the value read is still the stored one. */
		ml = dramwell_mod_new(dramwell_lschema.ad_dwMfaLastStep,
		    LDAP_MOD_DELETE, &lg->lg_last_val, 1);
		if (ml == NULL) {
			slap_mods_free(mods, 1);
			return LDAP_OTHER;
		}
		ml->sml_next = mods;
		mods = ml;
	}
	return dramwell_internal_modify(op, &lg->lg_dn, &lg->lg_ndn, mods);
}

static const char *
dramwell_mfa_totp(
    Operation *op, struct dramwell_info *di, struct dramwell_login *lg)
{
	unsigned char secret[DW_TOTP_SECRET_MAX];
	const char *why = "MFA secret unusable";
	size_t slen = 0;
	int64_t step = 0;
	int err;

	if (lg->lg_last_bad) {
		why = "MFA last step malformed";
		goto out;
	}
	if (!di->di_mfa_key_loaded || BER_BVISNULL(&lg->lg_secret) ||
	    BER_BVISEMPTY(&lg->lg_secret))
		goto out;
	err = dw_secretbox_open(di->di_mfa_key, lg->lg_secret.bv_val,
	    lg->lg_secret.bv_len, secret, sizeof(secret), &slen);
	if (err != DW_OK || slen == 0)
		goto out;
	err = dw_totp_verify(secret, slen, (int64_t)lg->lg_now,
	    lg->lg_factor.bv_val, lg->lg_factor.bv_len, lg->lg_has_last != 0,
	    lg->lg_last, &step);
	switch (err) {
	case DW_OK:
		break;
	case DW_ERR_REPLAY:
		why = "code replayed";
		goto out;
	case DW_ERR_DENIED:
		why = "wrong code";
		goto out;
	default:
		goto out;
	}
	if (dramwell_mfa_step_write(op, lg, step) != LDAP_SUCCESS) {
		/* Another bind moved the step (or the MFA state changed)
		 * since this one read it. */
		why = "code replayed (concurrent)";
		goto out;
	}
	why = NULL;
out:
	sodium_memzero(secret, sizeof(secret));
	return why;
}

static const char *
dramwell_mfa_recovery_code(
    Operation *op, struct dramwell_info *di, struct dramwell_login *lg)
{
	Modifications *ml;
	int i, hit = -1;

	if (!dw_recovery_code_form(lg->lg_factor.bv_val, lg->lg_factor.bv_len))
		return "wrong recovery code";
	/* Every stored value is tried, match or not: the same work
	 * whichever code it is. */
	for (i = 0; lg->lg_recovery != NULL &&
		    !BER_BVISNULL(&lg->lg_recovery[i]);
	     i++) {
		if (dw_recovery_code_verify(lg->lg_recovery[i].bv_val,
			lg->lg_recovery[i].bv_len, lg->lg_factor.bv_val,
			lg->lg_factor.bv_len) == DW_OK &&
		    hit < 0)
			hit = i;
	}
	if (hit < 0)
		return "wrong recovery code";
	ml = dramwell_mod_new(dramwell_lschema.ad_dwRecoveryCodeHash,
	    LDAP_MOD_DELETE, &lg->lg_recovery[hit], 1);
	if (ml == NULL ||
	    dramwell_internal_modify(op, &lg->lg_dn, &lg->lg_ndn, ml) !=
		LDAP_SUCCESS)
		return "recovery code replayed (concurrent)";
	return NULL;
}

const char *
dramwell_mfa_check(
    Operation *op, struct dramwell_info *di, struct dramwell_login *lg)
{
	switch (lg->lg_kind) {
	case DW_CRED_TOTP:
		return dramwell_mfa_totp(op, di, lg);
	case DW_CRED_RECOVERY:
		return dramwell_mfa_recovery_code(op, di, lg);
	default:
		return "code missing";
	}
}

/* --- recovery codes ----------------------------------------------------- */

struct dramwell_codes {
	char c_code[DW_RECOVERY_CODES][DW_RECOVERY_CODE_LEN + 1];
	char c_hash[DW_RECOVERY_CODES][DW_RECOVERY_HASH_MAX];
	struct berval c_hbv[DW_RECOVERY_CODES];
};

static int
dramwell_codes_new(struct dramwell_codes *c)
{
	int i;

	for (i = 0; i < DW_RECOVERY_CODES; i++) {
		if (dw_recovery_code_new(c->c_code[i], sizeof(c->c_code[i])) !=
			DW_OK ||
		    dw_recovery_code_hash(c->c_code[i], strlen(c->c_code[i]),
			c->c_hash[i], sizeof(c->c_hash[i])) != DW_OK)
			return -1;
		ber_str2bv(c->c_hash[i], 0, 0, &c->c_hbv[i]);
	}
	return 0;
}

/*
 * The response value: SEQUENCE OF OCTET STRING, written by hand into a
 * ch_malloc'ed berval (the frontend frees it with ber_bvfree) so that no
 * other copy of the codes is left in memory.
 */
static struct berval *
dramwell_codes_rsp(struct dramwell_codes *c)
{
	unsigned char buf[DRAMWELL_MFA_RSP_MAX];
	struct berval *bv;
	size_t content = 0, off = 0, len;
	int i;

	for (i = 0; i < DW_RECOVERY_CODES; i++)
		content += 2 + strlen(c->c_code[i]);
	if (content > 255 || content + 3 > sizeof(buf))
		return NULL;
	buf[off++] = 0x30; /* SEQUENCE */
	if (content > 127)
		buf[off++] = 0x81;
	buf[off++] = (unsigned char)content;
	for (i = 0; i < DW_RECOVERY_CODES; i++) {
		len = strlen(c->c_code[i]);
		buf[off++] = 0x04; /* OCTET STRING, short length */
		buf[off++] = (unsigned char)len;
		memcpy(buf + off, c->c_code[i], len);
		off += len;
	}
	bv = ber_memalloc(sizeof(*bv));
	if (bv != NULL) {
		bv->bv_val = ber_memalloc(off);
		if (bv->bv_val == NULL) {
			ber_memfree(bv);
			bv = NULL;
		} else {
			memcpy(bv->bv_val, buf, off);
			bv->bv_len = off;
		}
	}
	sodium_memzero(buf, sizeof(buf));
	return bv;
}

/* Wipe and free codes (NULL: nothing). */
static void
dramwell_codes_free(Operation *op, struct dramwell_codes *c)
{
	if (c == NULL)
		return;
	sodium_memzero(c, sizeof(*c));
	op->o_tmpfree(c, op->o_tmpmemctx);
}

/* Take back a response value that must not be sent (it holds codes). */
static void
dramwell_codes_rsp_drop(SlapReply *rs)
{
	if (rs->sr_rspdata == NULL)
		return;
	sodium_memzero(rs->sr_rspdata->bv_val, rs->sr_rspdata->bv_len);
	ber_bvfree(rs->sr_rspdata);
	rs->sr_rspdata = NULL;
}

/* --- requests ----------------------------------------------------------- */

/* The normalised DN of a request, strictly below the admin base. */
static int
dramwell_mfa_user(Operation *op, struct dramwell_info *di,
    struct berval *in, struct berval *dn, struct berval *ndn)
{
	BER_BVZERO(dn);
	BER_BVZERO(ndn);
	if (in->bv_len == 0 || memchr(in->bv_val, '\0', in->bv_len) != NULL ||
	    dnPrettyNormal(NULL, in, dn, ndn, op->o_tmpmemctx) !=
		LDAP_SUCCESS)
		return -1;
	if (!dramwell_dn_within(ndn, &di->di_admin_nbase) ||
	    dn_match(ndn, &di->di_admin_nbase))
		return -1;
	return 0;
}

static void
dramwell_mfa_user_free(Operation *op, struct berval *dn, struct berval *ndn)
{
	if (!BER_BVISNULL(dn))
		op->o_tmpfree(dn->bv_val, op->o_tmpmemctx);
	if (!BER_BVISNULL(ndn))
		op->o_tmpfree(ndn->bv_val, op->o_tmpmemctx);
	BER_BVZERO(dn);
	BER_BVZERO(ndn);
}

/* Append one mod (NULL: fail) to the list at *tail. */
static int
dramwell_mfa_append(Modifications ***tail, Modifications *ml)
{
	if (ml == NULL)
		return -1;
	**tail = ml;
	*tail = &ml->sml_next;
	return 0;
}

/* The mods that set dwMfaEnabled to TRUE from its value read (a CAS:
 * delete the exact old value, or add when there was none). */
static int
dramwell_mfa_enable_mods(
    Modifications ***tail, const struct berval *old, int assert_true)
{
	static const struct berval t = BER_BVC("TRUE");
	AttributeDescription *ad = dramwell_lschema.ad_dwMfaEnabled;

	if (!BER_BVISNULL(old) &&
	    dramwell_mfa_append(tail, dramwell_mod_new(ad, LDAP_MOD_DELETE,
					  assert_true ? &t : old, 1)) != 0)
		return -1;
	return dramwell_mfa_append(
	    tail, dramwell_mod_new(ad, LDAP_MOD_ADD, &t, 1));
}

static void
dramwell_mfa_wipe_request(Operation *op)
{
	if (op->ore_reqdata != NULL && op->ore_reqdata->bv_val != NULL)
		sodium_memzero(
		    op->ore_reqdata->bv_val, op->ore_reqdata->bv_len);
}

/*
 * The start of every MFA operation: its audit event (category, action,
 * the bound identity as actor; the caller names the target), and the
 * refusal on a read-only replica: LDAP_UNWILLING_TO_PERFORM with *text
 * and *reason.
 */
static int
dramwell_mfa_begin(Operation *op, struct dramwell_event *ev,
    const char *category, const char *action, const char **text,
    const char **reason)
{
	memset(ev, 0, sizeof(*ev));
	ev->ev_category = category;
	ev->ev_action = action;
	ev->ev_actor = op->o_dn;
	if (SLAP_SINGLE_SHADOW(op->o_bd)) {
		*text = DRAMWELL_MFA_REPLICA_TEXT;
		*reason = "read-only replica";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	return LDAP_SUCCESS;
}

/* --- dwMfaEnroll -------------------------------------------------------- */

int
dramwell_mfa_enroll(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di)
{
	struct berval req[4], dn = BER_BVNULL, ndn = BER_BVNULL;
	struct berval *user = &req[0], *pw = &req[1], *b32 = &req[2];
	struct berval *code = &req[3], bv;
	unsigned char secret[DW_TOTP_SECRET_MAX];
	char sealed[DW_SECRETBOX_MAX], stepbuf[32];
	struct dramwell_codes *codes = NULL;
	struct dramwell_login lg;
	struct dramwell_event ev;
	Modifications *mods = NULL, **tail = &mods;
	const char *text = NULL, *reason = NULL;
	size_t slen = 0;
	int64_t step = 0;
	int rc = LDAP_INVALID_CREDENTIALS, gate = 0, r, n;

	memset(&lg, 0, sizeof(lg));
	memset(req, 0, sizeof(req));
	r = dramwell_mfa_begin(
	    op, &ev, DW_AUDIT_CAT_AUTH, "mfa-enroll", &text, &reason);
	if (r != LDAP_SUCCESS) {
		rc = r;
		goto out;
	}
	if (dramwell_exop_strings(op->ore_reqdata, req, 4) != LDAP_SUCCESS) {
		rc = LDAP_PROTOCOL_ERROR;
		text = "malformed dwMfaEnroll request: SEQUENCE { user, "
		       "password, secret, code } (OCTET STRINGs)";
		reason = "malformed request";
		goto out;
	}
	if (dw_base32_decode(b32->bv_val, b32->bv_len, secret, sizeof(secret),
		&slen) != DW_OK ||
	    slen < DRAMWELL_MFA_MIN_SECRET) {
		rc = LDAP_CONSTRAINT_VIOLATION;
		text = "the secret must be base32 (no padding) of 16 to 64 "
		       "bytes";
		reason = "malformed secret";
		goto out;
	}
	if (!dw_totp_code_form(code->bv_val, code->bv_len)) {
		rc = LDAP_CONSTRAINT_VIOLATION;
		text = "the code must be 6 digits";
		reason = "malformed code";
		goto out;
	}
	if (!di->di_mfa_key_loaded) {
		rc = LDAP_UNWILLING_TO_PERFORM;
		text = DRAMWELL_MFA_NOKEY_TEXT;
		reason = "no MFA key configured";
		goto out;
	}
	if (dramwell_mfa_user(op, di, user, &dn, &ndn) != 0) {
		/* Not an admin entry: the answer of an unknown one. */
		reason = "not an admin entry";
		goto out;
	}
	ev.ev_target = dn;
	if (BER_BVISEMPTY(&ev.ev_actor))
		ev.ev_actor = dn;

	/* The gate of a bind, on the request's credentials. */
	r = dramwell_login_gate(op, on, di, &ndn, pw, 0, &lg, &text);
	gate = 1;
	if (r != LDAP_SUCCESS) {
		rc = r;
		reason = "security policy unavailable";
		goto out;
	}
	if (lg.lg_reason != NULL) {
		reason = lg.lg_reason;
		text = NULL;
		if (lg.lg_counts || lg.lg_throttle)
			dramwell_login_failed(op, on, di, &lg);
		goto out;
	}
	/* The password was right: the rest may be said. */
	if (lg.lg_mfa) {
		rc = LDAP_UNWILLING_TO_PERFORM;
		text = "MFA is already enabled for this account: an "
		       "administrator must reset it first";
		reason = "MFA already enabled";
		goto out;
	}
	r = dw_totp_verify(secret, slen, (int64_t)lg.lg_now, code->bv_val,
	    code->bv_len, false, 0, &step);
	if (r != DW_OK) {
		rc = LDAP_INVALID_CREDENTIALS;
		text = "the verification code does not match the secret";
		reason = "wrong code";
		goto out;
	}
	codes = op->o_tmpcalloc(1, sizeof(*codes), op->o_tmpmemctx);
	n = snprintf(stepbuf, sizeof(stepbuf), "%" PRId64, step);
	if (dw_secretbox_seal(di->di_mfa_key, secret, slen, sealed,
		sizeof(sealed)) != DW_OK ||
	    dramwell_codes_new(codes) != 0 || n < 0 ||
	    (size_t)n >= sizeof(stepbuf)) {
		rc = LDAP_OTHER;
		text = "cannot store the MFA secret";
		reason = "sealing failed";
		goto out;
	}
	/* One write: the secret, the flag (a CAS on its old value, so two
	 * concurrent enrollments cannot both succeed), the step of the code
	 * just used (it cannot be replayed at bind), the recovery codes. */
	rc = LDAP_OTHER;
	text = "cannot store the MFA secret";
	reason = "write failed";
	ber_str2bv(sealed, 0, 0, &bv);
	if (dramwell_mfa_enable_mods(&tail, &lg.lg_mfa_val, 0) != 0 ||
	    dramwell_mfa_append(&tail,
		dramwell_mod_new(dramwell_lschema.ad_dwMfaSecret,
		    LDAP_MOD_REPLACE, &bv, 1)) != 0)
		goto out;
	ber_str2bv(stepbuf, n, 0, &bv);
	if (dramwell_mfa_append(&tail,
		dramwell_mod_new(dramwell_lschema.ad_dwMfaLastStep,
		    LDAP_MOD_REPLACE, &bv, 1)) != 0 ||
	    dramwell_mfa_append(&tail,
		dramwell_mod_new(dramwell_lschema.ad_dwRecoveryCodeHash,
		    LDAP_MOD_REPLACE, codes->c_hbv, DW_RECOVERY_CODES)) != 0)
		goto out;
	r = dramwell_internal_modify(op, &lg.lg_dn, &lg.lg_ndn, mods);
	mods = NULL;
	if (r != LDAP_SUCCESS) {
		if (r == LDAP_NO_SUCH_ATTRIBUTE ||
		    r == LDAP_TYPE_OR_VALUE_EXISTS ||
		    r == LDAP_CONSTRAINT_VIOLATION) {
			rc = LDAP_UNWILLING_TO_PERFORM;
			text = "MFA was enrolled concurrently";
			reason = "enrolled concurrently";
		}
		goto out;
	}
	rs->sr_rspdata = dramwell_codes_rsp(codes);
	if (rs->sr_rspdata == NULL) {
		/* Stored, but the codes cannot be shown: they are useless;
		 * the user asks for new ones (dwMfaRecovery). */
		rc = LDAP_OTHER;
		text = "MFA enrolled, but the recovery codes could not be "
		       "sent: ask for new ones";
		reason = "enrolled; recovery codes not sent";
		goto out;
	}
	if (lg.lg_has_lockout)
		dramwell_login_succeeded(op, on, di, &lg);
	rc = LDAP_SUCCESS;
	text = NULL;
	reason = "MFA enrolled";
out:
	ev.ev_result = rc;
	dramwell_event_detail(&ev, reason);
	if (gate && lg.lg_locked_now)
		dramwell_event_detail(&ev, "account locked now");
	if (dramwell_audit_write(op, di, &ev) != LDAP_SUCCESS) {
		text = rc == LDAP_SUCCESS ? "audit log unavailable (MFA was "
					    "enrolled but not audited)"
					  : DRAMWELL_AUDIT_FAIL_TEXT;
		rc = LDAP_OTHER;
		dramwell_codes_rsp_drop(rs);
	}
	Debug(LDAP_DEBUG_STATS, "%s dramwell: mfa-enroll dn=\"%s\" err=%d %s\n",
	    op->o_log_prefix, dn.bv_val ? dn.bv_val : "", rc,
	    reason ? reason : "");
	if (mods != NULL)
		slap_mods_free(mods, 1);
	dramwell_codes_free(op, codes);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(sealed, sizeof(sealed));
	dramwell_mfa_wipe_request(op);
	if (gate)
		dramwell_login_free(op, &lg);
	dramwell_mfa_user_free(op, &dn, &ndn);
	rs->sr_err = rc;
	rs->sr_text = text;
	return rc;
}

/* --- dwMfaRecovery ------------------------------------------------------ */

/* The facts of the bound admin's entry that dwMfaRecovery needs. */
static int
dramwell_mfa_self(Operation *op, slap_overinst *on, struct berval *ndn,
    const char **state, int *mfa, struct berval *dn)
{
	Entry *e = NULL;
	Attribute *a;
	enum dw_account_state st;

	*state = NULL;
	*mfa = 0;
	if (overlay_entry_get_ov(op, ndn, NULL, NULL, 0, &e, on) !=
		LDAP_SUCCESS ||
	    e == NULL)
		return -1;
	ber_dupbv_x(dn, &e->e_name, op->o_tmpmemctx);
	a = attr_find(e->e_attrs, dramwell_schema.ad_dwAccountStatus);
	if (a == NULL || a->a_numvals != 1 ||
	    dw_account_state_parse(
		a->a_vals[0].bv_val, a->a_vals[0].bv_len, &st) != DW_OK ||
	    st != DW_ACCOUNT_ACTIVE)
		*state = "account not active";
	a = attr_find(e->e_attrs, dramwell_lschema.ad_dwMfaEnabled);
	*mfa = a != NULL && a->a_numvals == 1 && a->a_vals[0].bv_len == 4 &&
	       memcmp(a->a_vals[0].bv_val, "TRUE", 4) == 0;
	overlay_entry_release_ov(op, e, 0, on);
	return 0;
}

int
dramwell_mfa_recovery(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di)
{
	static const struct berval t = BER_BVC("TRUE");
	struct dramwell_codes *codes = NULL;
	struct dramwell_event ev;
	struct berval dn = BER_BVNULL, ndn;
	Modifications *mods = NULL, **tail = &mods;
	const char *text = NULL, *reason = NULL, *state = NULL;
	int rc = LDAP_UNWILLING_TO_PERFORM, mfa = 0, r;

	r = dramwell_mfa_begin(op, &ev, DW_AUDIT_CAT_AUTH,
	    "mfa-recovery-codes", &text, &reason);
	ev.ev_target = op->o_dn;
	ndn = op->o_ndn;
	if (r != LDAP_SUCCESS) {
		rc = r;
		goto out;
	}
	if (op->ore_reqdata != NULL && op->ore_reqdata->bv_len != 0) {
		rc = LDAP_PROTOCOL_ERROR;
		text = "dwMfaRecovery takes no request value";
		reason = "malformed request";
		goto out;
	}
	if (BER_BVISEMPTY(&ndn)) {
		rc = LDAP_STRONG_AUTH_REQUIRED;
		text = "only an authenticated admin may renew recovery codes";
		reason = "not authenticated";
		goto out;
	}
	if (!dramwell_dn_within(&ndn, &di->di_admin_nbase) ||
	    dn_match(&ndn, &di->di_admin_nbase) ||
	    dramwell_mfa_self(op, on, &ndn, &state, &mfa, &dn) != 0) {
		text = "only admin users have recovery codes";
		reason = "not an admin entry";
		goto out;
	}
	if (state != NULL) {
		rc = LDAP_INSUFFICIENT_ACCESS;
		text = "the account is not active";
		reason = state;
		goto out;
	}
	if (!mfa) {
		text = "MFA is not enabled for this account";
		reason = "MFA not enabled";
		goto out;
	}
	codes = op->o_tmpcalloc(1, sizeof(*codes), op->o_tmpmemctx);
	rc = LDAP_OTHER;
	text = "cannot store new recovery codes";
	reason = "write failed";
	if (dramwell_codes_new(codes) != 0 ||
	    dramwell_mfa_enable_mods(&tail, &t, 1) != 0 ||
	    dramwell_mfa_append(&tail,
		dramwell_mod_new(dramwell_lschema.ad_dwRecoveryCodeHash,
		    LDAP_MOD_REPLACE, codes->c_hbv, DW_RECOVERY_CODES)) != 0)
		goto out;
	/* Conditional on MFA still being on (a reset in between wins). */
	r = dramwell_internal_modify(op, &dn, &ndn, mods);
	mods = NULL;
	if (r != LDAP_SUCCESS) {
		if (r == LDAP_NO_SUCH_ATTRIBUTE) {
			rc = LDAP_UNWILLING_TO_PERFORM;
			text = "MFA is not enabled for this account";
			reason = "MFA reset concurrently";
		}
		goto out;
	}
	rs->sr_rspdata = dramwell_codes_rsp(codes);
	if (rs->sr_rspdata == NULL) {
		text = "new recovery codes were stored but could not be "
		       "sent: ask again";
		reason = "recovery codes not sent";
		goto out;
	}
	rc = LDAP_SUCCESS;
	text = NULL;
	reason = "recovery codes replaced";
out:
	ev.ev_result = rc;
	dramwell_event_detail(&ev, reason);
	if (dramwell_audit_write(op, di, &ev) != LDAP_SUCCESS) {
		text = DRAMWELL_AUDIT_FAIL_TEXT;
		rc = LDAP_OTHER;
		dramwell_codes_rsp_drop(rs);
	}
	if (mods != NULL)
		slap_mods_free(mods, 1);
	dramwell_codes_free(op, codes);
	if (!BER_BVISNULL(&dn))
		op->o_tmpfree(dn.bv_val, op->o_tmpmemctx);
	rs->sr_err = rc;
	rs->sr_text = text;
	return rc;
}

/* --- dwMfaReset --------------------------------------------------------- */

int
dramwell_mfa_reset(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di)
{
	static const struct berval f = BER_BVC("FALSE");
	struct dramwell_login_schema *s = &dramwell_lschema;
	struct berval req[1], dn = BER_BVNULL, ndn = BER_BVNULL;
	struct dramwell_authz az;
	struct dramwell_event ev;
	Operation op2;
	SlapReply rs2 = {REP_RESULT};
	Modifications *mods = NULL, **tail = &mods;
	const char *text = NULL, *reason = NULL, *why = NULL;
	Entry *e = NULL;
	int rc = LDAP_OTHER, r, authz = 0;

	memset(&az, 0, sizeof(az));
	r = dramwell_mfa_begin(
	    op, &ev, DW_AUDIT_CAT_DESTRUCT, "mfa-reset", &text, &reason);
	if (r != LDAP_SUCCESS) {
		rc = r;
		goto out;
	}
	if (dramwell_exop_strings(op->ore_reqdata, req, 1) != LDAP_SUCCESS) {
		rc = LDAP_PROTOCOL_ERROR;
		text = "malformed dwMfaReset request: SEQUENCE { user OCTET "
		       "STRING }";
		reason = "malformed request";
		goto out;
	}
	if (BER_BVISEMPTY(&op->o_ndn)) {
		rc = LDAP_STRONG_AUTH_REQUIRED;
		text = "resetting MFA needs an authenticated administrator";
		reason = "not authenticated";
		goto out;
	}
	if (dramwell_mfa_user(op, di, &req[0], &dn, &ndn) != 0) {
		rc = LDAP_NO_SUCH_OBJECT;
		text = "not an admin user";
		reason = "not an admin entry";
		goto out;
	}
	ev.ev_target = dn;
	if (overlay_entry_get_ov(op, &ndn, NULL, NULL, 0, &e, on) !=
		LDAP_SUCCESS ||
	    e == NULL) {
		rc = LDAP_NO_SUCH_OBJECT;
		text = "no such admin user";
		reason = "no such entry";
		goto out;
	}
	overlay_entry_release_ov(op, e, 0, on);

	rc = LDAP_OTHER;
	text = "cannot reset MFA";
	reason = "write failed";
	if (dramwell_mfa_append(&tail,
		dramwell_mod_new(s->ad_dwMfaSecret, SLAP_MOD_SOFTDEL, NULL,
		    0)) != 0 ||
	    dramwell_mfa_append(&tail,
		dramwell_mod_new(
		    s->ad_dwMfaEnabled, LDAP_MOD_REPLACE, &f, 1)) != 0 ||
	    dramwell_mfa_append(&tail,
		dramwell_mod_new(s->ad_dwMfaLastStep, SLAP_MOD_SOFTDEL, NULL,
		    0)) != 0 ||
	    dramwell_mfa_append(&tail,
		dramwell_mod_new(s->ad_dwRecoveryCodeHash, SLAP_MOD_SOFTDEL,
		    NULL, 0)) != 0)
		goto out;

	/* Authorized as the modify of the user's entry it is: the same
	 * rules, read fresh (admin-users:write; the rootdn may). */
	op2 = *op;
	op2.o_tag = LDAP_REQ_MODIFY;
	op2.o_req_dn = dn;
	op2.o_req_ndn = ndn;
	op2.orm_modlist = mods;
	op2.orm_no_opattrs = 0;
	op2.orm_increment = 0;
	r = dramwell_authz_check(&op2, di, &az, &text, &why);
	authz = 1;
	if (r != LDAP_SUCCESS) {
		rc = r;
		reason = why;
		goto out;
	}
	r = dramwell_internal_modify(op, &dn, &ndn, mods);
	mods = NULL;
	rs2.sr_err = r;
	dramwell_authz_done(&op2, &az, &rs2);
	if (r != LDAP_SUCCESS) {
		text = "cannot reset MFA";
		reason = "write failed";
		goto out;
	}
	rc = LDAP_SUCCESS;
	text = NULL;
	reason = "MFA reset";
out:
	if (authz)
		dramwell_authz_done(&op2, &az, NULL);
	ev.ev_result = rc;
	dramwell_event_detail(&ev, reason);
	if (dramwell_audit_write(op, di, &ev) != LDAP_SUCCESS) {
		text = rc == LDAP_SUCCESS ? "audit log unavailable (MFA was "
					    "reset but not audited)"
					  : DRAMWELL_AUDIT_FAIL_TEXT;
		rc = LDAP_OTHER;
	}
	if (authz)
		dramwell_authz_free(&op2, &az);
	if (mods != NULL)
		slap_mods_free(mods, 1);
	dramwell_mfa_user_free(op, &dn, &ndn);
	rs->sr_err = rc;
	rs->sr_text = text;
	return rc;
}
