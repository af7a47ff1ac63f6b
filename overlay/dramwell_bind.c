/*
 * dramwell_bind.c: simple binds.
 *
 * A simple bind to an entry strictly below the admin base is decided
 * here, entirely, before anything is sent: the backend is not asked (the
 * overlay verifies the password itself, once).  The order of the rules
 * (slapo-dramwell(5), "BIND"):
 *   1. address throttle          "address throttled"
 *   2. account lockout           "account locked"
 *   3. account state             "account deactivated", ...
 *   4. IP allowlist              "address not allowed"
 *   5. second factor present     "code missing"   (MFA users)
 *   6. password                  "wrong password"
 *   7. TOTP or recovery code     "wrong code", "code replayed", ...
 *   8. MFA required, not enrolled  refused with "MFA enrollment required"
 *   9. password expired          success, connection restricted
 * Every refusal but 8 is invalidCredentials with no text, exactly like a
 * wrong password; the audit entry says which rule refused.  The password
 * is verified whatever refuses, for equal cost.  Failures at 4-7 count
 * towards the account's lockout and the address's throttle.  The
 * decision cannot be left to a response callback: fe_op_bind_success()
 * sets the connection's identity before the result (and its callbacks)
 * go out.
 *
 * Other simple binds (service accounts, the rootdn) go to the backend and
 * are audited.  Every simple bind that reaches the database is audited
 * before its result is sent; if the audit entry cannot be written the
 * bind fails with LDAP_OTHER "audit log unavailable", successful or not,
 * so that the answer says nothing about the password either.
 */
#include "dramwell.h"

#include "dw_audit.h"

#define DRAMWELL_ENROLL_TEXT "MFA enrollment required"
#define DRAMWELL_EXPIRED_BIND_TEXT "password expired"

struct dramwell_bind_state {
	struct dramwell_info *bs_di;
	struct dramwell_event bs_ev;
	int bs_audited;
};

static void
dramwell_bind_detail(struct dramwell_event *ev, int result)
{
	if (result == LDAP_SUCCESS)
		dramwell_event_detail(ev, "password verified");
	else if (result == LDAP_INVALID_CREDENTIALS)
		dramwell_event_detail(ev, "wrong password or unknown entry");
	else
		dramwell_event_detail(ev, "bind failed");
}

/* Audits a result the backend sends (failures), before it goes out. */
static int
dramwell_bind_response(Operation *op, SlapReply *rs)
{
	struct dramwell_bind_state *bs = op->o_callback->sc_private;

	if (rs->sr_type != REP_RESULT || bs->bs_audited)
		return SLAP_CB_CONTINUE;
	bs->bs_audited = 1;
	bs->bs_ev.ev_result = rs->sr_err;
	dramwell_bind_detail(&bs->bs_ev, rs->sr_err);
	if (dramwell_audit_write(op, bs->bs_di, &bs->bs_ev) != LDAP_SUCCESS) {
		rs->sr_err = LDAP_OTHER;
		rs->sr_text = DRAMWELL_AUDIT_FAIL_TEXT;
	}
	return SLAP_CB_CONTINUE;
}

/* Is the password expired (a max age, and no or an old change time)? */
static int
dramwell_bind_expired(struct dramwell_login *lg)
{
	if (lg->lg_pol->pw_max_age == 0)
		return 0;
	if (!lg->lg_has_changed)
		return 1; /* never set by the server: fail closed */
	return dw_passwd_expired((int64_t)lg->lg_changed,
	    lg->lg_pol->pw_max_age, (int64_t)lg->lg_now);
}

/* The bind of an admin entry: the whole pipeline above. */
static int
dramwell_admin_bind(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di)
{
	struct dramwell_login lg;
	struct dramwell_event ev;
	const char *text = NULL, *reason;
	int rc, expired = 0;

	memset(&ev, 0, sizeof(ev));
	ev.ev_category = DW_AUDIT_CAT_AUTH;
	ev.ev_action = "bind";
	ev.ev_actor = op->o_req_dn;
	ev.ev_target = op->o_req_dn;

	rc = dramwell_login_gate(
	    op, on, di, &op->o_req_ndn, &op->orb_cred, 1, &lg, &text);
	if (rc != LDAP_SUCCESS) {
		/* The policy cannot be read: nobody gets in (fail closed).
		 * Nothing about the credential was learnt or is told. */
		ev.ev_result = rc;
		dramwell_event_detail(&ev, "security policy unavailable");
		rs->sr_text = text;
		goto refuse;
	}
	reason = lg.lg_reason;
	/* 7. the second factor */
	if (reason == NULL && lg.lg_mfa) {
		reason = dramwell_mfa_check(op, di, &lg);
		if (reason != NULL)
			lg.lg_counts = lg.lg_throttle = 1;
	}
	/* 8. MFA required: only ever said after the password was right. */
	if (reason == NULL && lg.lg_pol->mfa_required && !lg.lg_mfa) {
		reason = DRAMWELL_ENROLL_TEXT;
		text = DRAMWELL_ENROLL_TEXT;
	}
	if (reason != NULL) {
		rc = LDAP_INVALID_CREDENTIALS;
		if (lg.lg_counts || lg.lg_throttle)
			dramwell_login_failed(op, on, di, &lg);
		ev.ev_result = rc;
		dramwell_event_detail(&ev, reason);
		/* For the refusals decided before the password: was it right
		 * as well?  (The record, never the client, learns that.) */
		if (lg.lg_found && !lg.lg_pw_ok &&
		    strcmp(reason, "wrong password") != 0)
			dramwell_event_detail(&ev, "wrong password");
		if (lg.lg_locked_now)
			dramwell_event_detail(&ev, "account locked now");
		rs->sr_text = text;
		goto refuse;
	}

	/* Success. */
	if (lg.lg_has_lockout)
		dramwell_login_succeeded(op, on, di, &lg);
	expired = dramwell_bind_expired(&lg);
	/* An expired password gets in only if its connection can be
	 * restricted (set now; the frontend sets the identity next, and a
	 * refusal from here on leaves the connection anonymous). */
	if (expired && dramwell_restricted_set(op) != 0) {
		rc = LDAP_OTHER;
		ev.ev_result = rc;
		dramwell_event_detail(&ev, "password expired");
		dramwell_event_detail(&ev, "connection cannot be restricted");
		rs->sr_text = "password expired: change it with the password "
			      "modify operation on another connection";
		goto refuse;
	}
	ev.ev_result = LDAP_SUCCESS;
	dramwell_event_detail(&ev, "password verified");
	if (lg.lg_kind == DW_CRED_TOTP)
		dramwell_event_detail(&ev, "code verified");
	else if (lg.lg_kind == DW_CRED_RECOVERY)
		dramwell_event_detail(&ev, "recovery code used");
	if (expired)
		dramwell_event_detail(&ev, "password expired");
	if (dramwell_audit_write(op, di, &ev) != LDAP_SUCCESS) {
		rc = LDAP_OTHER;
		rs->sr_text = DRAMWELL_AUDIT_FAIL_TEXT;
		dramwell_restricted_clear(op);
		goto send;
	}
	/* What a backend's bind leaves for the frontend, which sends the
	 * result once it has set the connection's identity. */
	if (!BER_BVISNULL(&op->orb_edn))
		ch_free(op->orb_edn.bv_val);
	ber_dupbv(&op->orb_edn, &lg.lg_dn);
	dramwell_login_free(op, &lg);
	rs->sr_err = LDAP_SUCCESS;
	rs->sr_text = expired ? DRAMWELL_EXPIRED_BIND_TEXT : NULL;
	return LDAP_SUCCESS;

refuse:
	if (dramwell_audit_write(op, di, &ev) != LDAP_SUCCESS) {
		rc = LDAP_OTHER;
		rs->sr_text = DRAMWELL_AUDIT_FAIL_TEXT;
	}
send:
	dramwell_login_free(op, &lg);
	rs->sr_err = rc;
	send_ldap_result(op, rs);
	return rc;
}

int
dramwell_op_bind(Operation *op, SlapReply *rs)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_bind_state bs;
	slap_callback cb = {0};
	int rc;

	if (dramwell_is_own_op(op))
		return SLAP_CB_CONTINUE;
	/* Any bind ends the restriction of an expired password: it belongs
	 * to the identity of the bind that set it. */
	dramwell_restricted_clear(op);
	if (op->orb_method != LDAP_AUTH_SIMPLE)
		return SLAP_CB_CONTINUE;

	if (dramwell_dn_within(&op->o_req_ndn, &di->di_admin_nbase) &&
	    !dn_match(&op->o_req_ndn, &di->di_admin_nbase))
		return dramwell_admin_bind(op, rs, on, di);

	memset(&bs, 0, sizeof(bs));
	bs.bs_di = di;
	bs.bs_ev.ev_category = DW_AUDIT_CAT_AUTH;
	bs.bs_ev.ev_action = "bind";
	bs.bs_ev.ev_actor = op->o_req_dn;
	bs.bs_ev.ev_target = op->o_req_dn;

	cb.sc_response = dramwell_bind_response;
	cb.sc_private = &bs;
	rc = dramwell_run_below(op, rs, op_bind, &cb);
	if (!bs.bs_audited) {
		/* A successful bind sends nothing from the backend: the
		 * frontend sends it after it has set the connection's DN, so
		 * audit (and fail closed) now, before returning success. */
		bs.bs_audited = 1;
		bs.bs_ev.ev_result = rc;
		dramwell_bind_detail(&bs.bs_ev, rc);
		if (dramwell_audit_write(op, di, &bs.bs_ev) != LDAP_SUCCESS) {
			rc = LDAP_OTHER;
			rs->sr_err = rc;
			rs->sr_text = DRAMWELL_AUDIT_FAIL_TEXT;
			send_ldap_result(op, rs);
		}
	} else if (rc == LDAP_SUCCESS && rs->sr_err != LDAP_SUCCESS) {
		/* The backend sent its own success and the audit failed. */
		rc = rs->sr_err;
	}
	return rc;
}
