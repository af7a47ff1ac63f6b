/*
 * dramwell_bind.c: simple binds.
 *
 * A bind to an entry below the admin base whose dwAccountStatus is not
 * "active" (invited, deactivated, missing, malformed) is refused here,
 * before anything is sent, with invalidCredentials and no text: the same
 * answer as a wrong password.  The password is still verified so that
 * the refusal costs the same work.  The decision cannot be left to a
 * response callback: fe_op_bind_success() sets the connection's identity
 * before the result (and its callbacks) go out.
 *
 * Every simple bind that reaches the database is audited before its
 * result is sent.  If the audit entry cannot be written the bind fails
 * with LDAP_OTHER "audit log unavailable", successful or not, so that the
 * answer says nothing about the password either.
 */
#include "dramwell.h"

#include "dw_account.h"
#include "dw_audit.h"

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

/*
 * The account-state rule for a bind DN below the admin base.  Returns
 * NULL when the bind may proceed (active, or no such entry: the backend
 * answers that), else the audit detail of the refusal; in that case the
 * password has been verified too, for equal cost, and its outcome
 * recorded in *pw_ok.
 */
static const char *
dramwell_bind_refusal(Operation *op, slap_overinst *on, int *pw_ok)
{
	AttributeDescription *ad = dramwell_schema.ad_dwAccountStatus;
	enum dw_account_state st;
	const char *why = NULL, *text = NULL;
	Attribute *a;
	Entry *e = NULL;

	*pw_ok = 0;
	if (overlay_entry_get_ov(op, &op->o_req_ndn, NULL, NULL, 0, &e, on) !=
		LDAP_SUCCESS ||
	    e == NULL)
		return NULL;
	a = attr_find(e->e_attrs, ad);
	if (a == NULL || a->a_numvals != 1)
		why = "account status missing";
	else if (dw_account_may_authenticate(
		     a->a_vals[0].bv_val, a->a_vals[0].bv_len) == DW_ALLOW)
		why = NULL;
	else if (dw_account_state_parse(
		     a->a_vals[0].bv_val, a->a_vals[0].bv_len, &st) != 0)
		why = "account status malformed";
	else if (st == DW_ACCOUNT_INVITED)
		why = "account invited";
	else if (st == DW_ACCOUNT_DEACTIVATED)
		why = "account deactivated";
	else
		why = "account not active";
	if (why != NULL) {
		a = attr_find(e->e_attrs, slap_schema.si_ad_userPassword);
		if (a != NULL &&
		    slap_passwd_check(op, e, a, &op->orb_cred, &text) == 0)
			*pw_ok = 1;
	}
	overlay_entry_release_ov(op, e, 0, on);
	return why;
}

int
dramwell_op_bind(Operation *op, SlapReply *rs)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_bind_state bs;
	slap_callback cb = {0};
	const char *why;
	int rc, pw_ok;

	if (op->orb_method != LDAP_AUTH_SIMPLE || dramwell_is_own_op(op))
		return SLAP_CB_CONTINUE;

	memset(&bs, 0, sizeof(bs));
	bs.bs_di = di;
	bs.bs_ev.ev_category = DW_AUDIT_CAT_AUTH;
	bs.bs_ev.ev_action = "bind";
	bs.bs_ev.ev_actor = op->o_req_dn;
	bs.bs_ev.ev_target = op->o_req_dn;

	if (dramwell_dn_within(&op->o_req_ndn, &di->di_admin_nbase) &&
	    !dn_match(&op->o_req_ndn, &di->di_admin_nbase) &&
	    (why = dramwell_bind_refusal(op, on, &pw_ok)) != NULL) {
		rc = LDAP_INVALID_CREDENTIALS;
		bs.bs_ev.ev_result = rc;
		dramwell_event_detail(&bs.bs_ev, why);
		if (!pw_ok)
			dramwell_event_detail(&bs.bs_ev, "wrong password");
		rs->sr_text = NULL;
		if (dramwell_audit_write(op, di, &bs.bs_ev) != LDAP_SUCCESS) {
			rc = LDAP_OTHER;
			rs->sr_text = DRAMWELL_AUDIT_FAIL_TEXT;
		}
		rs->sr_err = rc;
		send_ldap_result(op, rs);
		return rc;
	}

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
