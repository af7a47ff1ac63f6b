/*
 * dramwell_write.c: add, modify, delete, modrdn and the RFC 3062
 * password-modify exop (which slapd turns into a modify).
 *
 * - Passwords, anywhere in the database: every cleartext userPassword
 *   (add; every value of every modify item, add or replace; the exop's new
 *   password) must pass the security policy, read fresh for the write
 *   (dramwell_password_check: length in characters, classes, the entry's
 *   e-mail name, the common-password dictionary, and not the current nor
 *   one of the newest dwPasswordHistoryCount previous passwords); the
 *   rootdn included.  An entry keeps one userPassword value: a write that
 *   would leave more is refused.  The value is stored as an {ARGON2}
 *   argon2id hash with the configured parameters; a pre-hashed value
 *   ("{SCHEME}...") is refused with constraintViolation; deleting
 *   individual userPassword values is refused (the stored values are
 *   hashes, so the client cannot name them).  On a dwAdminUser entry the
 *   replaced hash moves into dwPasswordHistory (the newest N kept) and
 *   dwPasswordChangedTime is stamped.
 * - Server-managed attributes (dwMfaSecret, dwMfaEnabled, dwMfaLastStep,
 *   dwRecoveryCodeHash, dwPasswordHistory, dwLockout,
 *   dwPasswordChangedTime) are refused from clients, naming the
 *   attribute; the rootdn may write dwMfaLastStep, dwLockout and
 *   dwPasswordChangedTime (an explicit dwPasswordChangedTime of its own
 *   is then not restamped).
 * - A connection bound with an expired password may only change it
 *   (dramwell_restricted): every write is refused but the password-modify
 *   exop on its own entry with the old password.
 * - The audit subtree is append-only: modify, rename and delete of
 *   anything at or below the audit base are refused for every client,
 *   the rootdn included, and so are client adds.
 * - Every write at or below the admin base, the role base, the policy
 *   entry or the audit base is audited, refusals included, before the
 *   result is sent.
 *
 * The overlay's own internal writes and replication (syncrepl, updatedn)
 * pass through untouched.
 */
#include "dramwell.h"

#include <string.h>
#include <sys/time.h>

#include "dw_audit.h"
#include "dw_session.h"
#include "dw_time.h"

#define DRAMWELL_AUDIT_FAIL_APPLIED                                            \
	"audit log unavailable (the change was applied but not audited)"
#define DRAMWELL_NAMES_MAX 1024 /* bytes of an "attributes:" detail */

struct dramwell_write_state {
	struct dramwell_info *ws_di;
	struct dramwell_event ws_ev;
	int ws_audited; /* in an audited subtree */
	int ws_done;	/* audit entry written */
	char *ws_names; /* o_tmpmemctx */
	struct berval ws_target; /* o_tmpmemctx: a session's user */
	char ws_client[DW_ADDR_MAX]; /* a session's client address */
	struct dramwell_authz ws_az;
};

static void
dramwell_write_init(Operation *op, struct dramwell_write_state *ws,
    struct dramwell_info *di, const char *category, const char *action)
{
	memset(ws, 0, sizeof(*ws));
	ws->ws_di = di;
	ws->ws_ev.ev_category = category;
	ws->ws_ev.ev_action = action;
	ws->ws_ev.ev_actor = op->o_dn;
	ws->ws_ev.ev_target = op->o_req_dn;
}

static void
dramwell_write_free(Operation *op, struct dramwell_write_state *ws)
{
	if (ws->ws_names != NULL)
		op->o_tmpfree(ws->ws_names, op->o_tmpmemctx);
	ws->ws_names = NULL;
	if (ws->ws_target.bv_val != NULL)
		op->o_tmpfree(ws->ws_target.bv_val, op->o_tmpmemctx);
	BER_BVZERO(&ws->ws_target);
	dramwell_authz_done(op, &ws->ws_az, NULL);
	dramwell_authz_free(op, &ws->ws_az);
}

/* Writes here are audited. */
static int
dramwell_in_scope(struct dramwell_info *di, struct berval *ndn)
{
	struct berval pb = di->di_policy_ndn;

	/* The whole policy subtree: the policy base and below. */
	if (!BER_BVISEMPTY(&di->di_policy_ndn))
		dnParent(&di->di_policy_ndn, &pb);
	return dramwell_dn_within(ndn, &di->di_admin_nbase) ||
	       dramwell_dn_within(ndn, &di->di_role_nbase) ||
	       dramwell_dn_within(ndn, &pb) ||
	       dramwell_dn_within(ndn, &di->di_audit_nbase);
}

/*
 * A session entry (below the sessions base, not the base itself): its
 * creation (PAM open_session) and deletion (close_session, dwadm session
 * kill) are audited; the activity refreshes (at most one a minute per
 * session) are not.
 */
static int
dramwell_in_sessions(struct dramwell_info *di, struct berval *ndn)
{
	return !BER_BVISEMPTY(&di->di_session_nbase) &&
	       !dn_match(ndn, &di->di_session_nbase) &&
	       dramwell_dn_within(ndn, &di->di_session_nbase);
}

/*
 * A session entry's event: its target is the session's user
 * (dwSessionUser of e, when there is one), never the entry's DN, which
 * holds the session identifier (a bearer value of the portal).  Its end
 * is a logout when the portal (an appender) closes it, else a kill.
 */
static void
dramwell_session_event(Operation *op, struct dramwell_write_state *ws,
    Entry *e, int opening)
{
	AttributeDescription *ad = NULL;
	const char *text = NULL;
	struct dw_addr addr;
	Attribute *a;

	BER_BVZERO(&ws->ws_ev.ev_target);
	if (e != NULL && slap_str2ad("dwSessionUser", &ad, &text) ==
			     LDAP_SUCCESS &&
	    (a = attr_find(e->e_attrs, ad)) != NULL && a->a_numvals == 1) {
		ber_dupbv_x(&ws->ws_target, &a->a_vals[0], op->o_tmpmemctx);
		ws->ws_ev.ev_target = ws->ws_target;
	}
	/* The portal opens and closes a session for its end user: the
	 * session's address is the one the event is about. */
	ad = NULL;
	if (e != NULL && dramwell_is_appender(op, ws->ws_di) &&
	    slap_str2ad("dwClientAddress", &ad, &text) == LDAP_SUCCESS &&
	    (a = attr_find(e->e_attrs, ad)) != NULL && a->a_numvals == 1 &&
	    dw_addr_parse(a->a_vals[0].bv_val, a->a_vals[0].bv_len, &addr) ==
		DW_OK &&
	    dw_addr_format(&addr, ws->ws_client, sizeof(ws->ws_client)) ==
		DW_OK)
		ws->ws_ev.ev_client = ws->ws_client;
	ws->ws_audited = 1;
	if (opening) {
		ws->ws_ev.ev_category = DW_AUDIT_CAT_AUTH;
		ws->ws_ev.ev_action = "session-open";
	} else if (dramwell_is_appender(op, ws->ws_di)) {
		ws->ws_ev.ev_category = DW_AUDIT_CAT_AUTH;
		ws->ws_ev.ev_action = "logout";
	} else {
		ws->ws_ev.ev_category = DW_AUDIT_CAT_DESTRUCT;
		ws->ws_ev.ev_action = "session-kill";
	}
}

/* One session time value: not in the future (dw_session_time_check). */
static int
dramwell_session_time_ok(const struct berval *v, time_t now)
{
	time_t t;

	return dw_gentime_parse(v->bv_val, v->bv_len, &t) != DW_OK ||
	       dw_session_time_check((int64_t)t, (int64_t)now) == DW_ALLOW;
}

/*
 * Session entries are opened and refreshed by the portal (its service
 * account, a dramwell-audit-appender) and the rootdn only; an admin may
 * end one (delete), not make one: a session made for someone else would
 * let its maker act as them in the portal.  Their times may not lie in
 * the future, which would keep a session from ever expiring.  Malformed
 * times are the schema's to refuse.  The values are those of the add's
 * entry (e) or of the modify's list.
 */
static int
dramwell_session_write_check(Operation *op, struct dramwell_info *di,
    Entry *e, Modifications *mods, const char **text)
{
	AttributeDescription *start = NULL, *last = NULL;
	time_t now = slap_get_time();
	const char *t = NULL;
	Modifications *ml;
	Attribute *a;
	unsigned i;

	if (be_isroot(op))
		return LDAP_SUCCESS; /* maintenance, and tests that set times */
	if (!dramwell_is_appender(op, di)) {
		*text = "sessions are opened and refreshed by the portal only";
		return LDAP_INSUFFICIENT_ACCESS;
	}
	/* Below the session base there are sessions only. */
	if (e != NULL) {
		ObjectClass *oc = oc_find("dwSession");
		Attribute *soc = attr_find(
		    e->e_attrs, slap_schema.si_ad_structuralObjectClass);

		if (oc == NULL || !is_entry_objectclass(e, oc, 0) ||
		    (soc != NULL && (soc->a_numvals != 1 ||
					oc_bvfind(&soc->a_vals[0]) != oc))) {
			*text = "only dwSession entries live below the "
				"session base";
			return LDAP_OBJECT_CLASS_VIOLATION;
		}
	}
	if (slap_str2ad("dwSessionStart", &start, &t) != LDAP_SUCCESS ||
	    slap_str2ad("dwSessionLastActivity", &last, &t) != LDAP_SUCCESS) {
		*text = "dramwell schema not loaded";
		return LDAP_OTHER;
	}
	for (a = e != NULL ? e->e_attrs : NULL; a != NULL; a = a->a_next)
		for (i = 0; (a->a_desc == start || a->a_desc == last) &&
			    i < a->a_numvals;
		     i++)
			if (!dramwell_session_time_ok(&a->a_vals[i], now))
				goto future;
	for (ml = mods; ml != NULL; ml = ml->sml_next)
		for (i = 0; (ml->sml_desc == start || ml->sml_desc == last) &&
			    ml->sml_values != NULL &&
			    !BER_BVISNULL(&ml->sml_values[i]);
		     i++)
			if (!dramwell_session_time_ok(&ml->sml_values[i], now))
				goto future;
	return LDAP_SUCCESS;
future:
	*text = "a session time cannot lie in the future";
	return LDAP_CONSTRAINT_VIOLATION;
}

static int
dramwell_skip(Operation *op)
{
	return dramwell_is_own_op(op) || be_shadow_update(op);
}

/* Append ", name" (or "attributes: name") unless it is already listed. */
static void
dramwell_names_add(
    Operation *op, struct dramwell_write_state *ws, AttributeDescription *ad)
{
	static const char prefix[] = "attributes: ";
	const char *name = ad->ad_cname.bv_val;
	size_t len = ad->ad_cname.bv_len, cur;
	char *p, *q;

	if (is_at_operational(ad->ad_type))
		return;
	if (ws->ws_names == NULL) {
		ws->ws_names =
		    op->o_tmpalloc(DRAMWELL_NAMES_MAX, op->o_tmpmemctx);
		memcpy(ws->ws_names, prefix, sizeof(prefix));
	}
	cur = strlen(ws->ws_names);
	/* Already listed? */
	for (p = ws->ws_names + sizeof(prefix) - 1; *p != '\0'; p = q) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		if ((size_t)(q - p) == len && strncasecmp(p, name, len) == 0)
			return;
		while (*q == ',' || *q == ' ')
			q++;
	}
	/* Keep room for ", ..." and the NUL. */
	if (cur + 2 + len + 6 > DRAMWELL_NAMES_MAX) {
		if (strcmp(ws->ws_names + cur - 3, "...") != 0)
			memcpy(ws->ws_names + cur, ", ...", 6);
		return;
	}
	if (cur > sizeof(prefix) - 1) {
		memcpy(ws->ws_names + cur, ", ", 2);
		cur += 2;
	}
	memcpy(ws->ws_names + cur, name, len);
	ws->ws_names[cur + len] = '\0';
}

static void
dramwell_names_detail(struct dramwell_write_state *ws)
{
	if (ws->ws_names != NULL)
		dramwell_event_detail(&ws->ws_ev, ws->ws_names);
}

/*
 * Refuse the operation: audit the refusal when in scope, then send.
 * Returns the code sent.
 */
static int
dramwell_refuse(Operation *op, SlapReply *rs, struct dramwell_write_state *ws,
    int code, const char *text, const char *detail)
{
	dramwell_authz_done(op, &ws->ws_az, NULL);
	if (ws->ws_audited) {
		dramwell_names_detail(ws);
		dramwell_authz_event(&ws->ws_az, &ws->ws_ev);
		dramwell_event_detail(&ws->ws_ev, detail);
		ws->ws_ev.ev_result = code;
		if (dramwell_audit_write(op, ws->ws_di, &ws->ws_ev) !=
		    LDAP_SUCCESS) {
			code = LDAP_OTHER;
			text = DRAMWELL_AUDIT_FAIL_TEXT;
		}
		ws->ws_done = 1;
	}
	dramwell_write_free(op, ws);
	send_ldap_error(op, rs, code, text);
	return code;
}

static void
dramwell_write_audit_result(
    Operation *op, SlapReply *rs, struct dramwell_write_state *ws)
{
	ws->ws_done = 1;
	dramwell_authz_done(op, &ws->ws_az, rs);
	dramwell_authz_event(&ws->ws_az, &ws->ws_ev);
	ws->ws_ev.ev_result = rs->sr_err;
	if (dramwell_audit_write(op, ws->ws_di, &ws->ws_ev) == LDAP_SUCCESS)
		return;
	/* Fail closed as far as is still possible: the backend has already
	 * committed (or refused) the change; the client must not be told
	 * that it succeeded as if it were on the record. */
	rs->sr_text = rs->sr_err == LDAP_SUCCESS ? DRAMWELL_AUDIT_FAIL_APPLIED
						 : DRAMWELL_AUDIT_FAIL_TEXT;
	rs->sr_err = LDAP_OTHER;
	rs->sr_matched = NULL;
}

static int
dramwell_write_response(Operation *op, SlapReply *rs)
{
	struct dramwell_write_state *ws = op->o_callback->sc_private;

	if (rs->sr_type == REP_RESULT && !ws->ws_done)
		dramwell_write_audit_result(op, rs, ws);
	return SLAP_CB_CONTINUE;
}

/* Pass an in-scope write down and audit its result before it is sent. */
static int
dramwell_pass_down(Operation *op, SlapReply *rs, slap_operation_t which,
    struct dramwell_write_state *ws)
{
	slap_callback cb = {0};
	int rc;

	dramwell_names_detail(ws);
	cb.sc_response = dramwell_write_response;
	cb.sc_private = ws;
	rc = dramwell_run_below(op, rs, which, &cb);
	if (!ws->ws_done) {
		/* The backend answered without sending a result. */
		if (rs->sr_err == LDAP_SUCCESS && rc != LDAP_SUCCESS)
			rs->sr_err = rc;
		dramwell_write_audit_result(op, rs, ws);
	}
	dramwell_write_free(op, ws);
	return rc;
}

/* --- passwords ---------------------------------------------------- */

static int
dramwell_is_password(AttributeDescription *ad)
{
	return ad->ad_type == slap_schema.si_ad_userPassword->ad_type;
}

/*
 * An unlock (dwadm user unlock): the deletion of all of another admin's
 * dwLockout, the one write of a server attribute a client may make.  The
 * authorization of the write (dramwell_authz_check, before this) asked
 * admin-users:write for a change to another admin; one's own lock stays.
 */
static int
dramwell_is_unlock(Operation *op, Modifications *ml)
{
	static AttributeDescription *lockout;
	const char *text = NULL;

	if (lockout == NULL &&
	    slap_str2ad("dwLockout", &lockout, &text) != LDAP_SUCCESS)
		return 0;
	return ml->sml_desc == lockout &&
	       (ml->sml_op & LDAP_MOD_OP) == LDAP_MOD_DELETE &&
	       (ml->sml_values == NULL || BER_BVISNULL(&ml->sml_values[0])) &&
	       !BER_BVISEMPTY(&op->o_ndn) &&
	       !dn_match(&op->o_ndn, &op->o_req_ndn);
}

static int
dramwell_is_changed_time(AttributeDescription *ad)
{
	return ad->ad_type == dramwell_schema.ad_dwPasswordChangedTime->ad_type;
}

#define DRAMWELL_PREHASHED_TEXT                                                \
	"userPassword: pre-hashed values ({SCHEME}...) are refused; "          \
	"send the password in cleartext over a protected connection"
#define DRAMWELL_ONE_PASSWORD_TEXT                                             \
	"password refused: an entry holds one password (one userPassword "    \
	"value)"
#define DRAMWELL_SERVER_TEXT_MAX 96

/* "<name> is maintained by the server" (o_tmpmemctx). */
static const char *
dramwell_server_text(Operation *op, const char *name)
{
	char *s = op->o_tmpalloc(DRAMWELL_SERVER_TEXT_MAX, op->o_tmpmemctx);

	snprintf(s, DRAMWELL_SERVER_TEXT_MAX, "%s is maintained by the server",
	    name);
	return s;
}

/* Hash pw into a freshly ch_malloc'ed berval. */
static int
dramwell_hash(struct dramwell_info *di, const struct berval *pw,
    struct berval *out, const char **text)
{
	char buf[DW_PASSWD_HASH_MAX];
	int err;

	err = dw_passwd_hash(
	    pw->bv_val, pw->bv_len, &di->di_argon2, buf, sizeof(buf));
	switch (err) {
	case DW_OK:
		ber_str2bv(buf, 0, 1, out);
		return LDAP_SUCCESS;
	case DW_ERR_INVAL:
		*text = "userPassword: empty or contains a NUL byte";
		return LDAP_CONSTRAINT_VIOLATION;
	case DW_ERR_TOOLONG:
		*text = "userPassword: too long";
		return LDAP_CONSTRAINT_VIOLATION;
	default:
		*text = "password hashing failed";
		return LDAP_OTHER;
	}
}

/* Replace the cleartext in *v (ch_malloc'ed) by h; wipe the cleartext. */
static void
dramwell_swap_value(struct berval *v, struct berval *h)
{
	explicit_bzero(v->bv_val, v->bv_len);
	ch_free(v->bv_val);
	*v = *h;
}

/* Refuse pre-hashed values, then check each value against the policy. */
static int
dramwell_check_values(Operation *op, const struct dw_policy *pol,
    const struct berval *email, Entry *cur, BerVarray vals, const char **text)
{
	int i, rc;

	for (i = 0; vals[i].bv_val != NULL; i++) {
		if (dw_passwd_form(vals[i].bv_val, vals[i].bv_len) ==
		    DW_PW_PREHASHED) {
			*text = DRAMWELL_PREHASHED_TEXT;
			return LDAP_CONSTRAINT_VIOLATION;
		}
	}
	for (i = 0; vals[i].bv_val != NULL; i++) {
		rc = dramwell_password_check(
		    op, pol, email, cur, &vals[i], text);
		if (rc != LDAP_SUCCESS)
			return rc;
	}
	return LDAP_SUCCESS;
}

/* Hash every value of vals (and nvals, when distinct). */
static int
dramwell_hash_values(struct dramwell_info *di, BerVarray vals, BerVarray nvals,
    const char **text)
{
	struct berval h;
	int i, rc;

	for (i = 0; vals[i].bv_val != NULL; i++) {
		rc = dramwell_hash(di, &vals[i], &h, text);
		if (rc != LDAP_SUCCESS)
			return rc;
		if (nvals != NULL && nvals != vals) {
			struct berval nh;

			ber_dupbv(&nh, &h);
			if (nvals[i].bv_val == vals[i].bv_val)
				nvals[i] = nh; /* shared buffer */
			else
				dramwell_swap_value(&nvals[i], &nh);
		}
		dramwell_swap_value(&vals[i], &h);
	}
	return LDAP_SUCCESS;
}

static int
dramwell_vals_have_oc(BerVarray vals, ObjectClass *oc)
{
	int i;

	for (i = 0; vals != NULL && vals[i].bv_val != NULL; i++)
		if (oc_bvfind(&vals[i]) == oc)
			return 1;
	return 0;
}

static int
dramwell_now(char *buf, size_t sz, struct berval *bv)
{
	struct timeval tv;

	if (gettimeofday(&tv, NULL) != 0 ||
	    dw_gentime_format(tv.tv_sec, -1, buf, sz) != 0)
		return -1;
	bv->bv_val = buf;
	bv->bv_len = strlen(buf);
	return 0;
}

/* Does the DN's leading RDN name a password or server-managed attribute?
 * *name: the server-managed one, if that is what it names. */
static int
dramwell_rdn_has_secret(struct berval *rdnbv, int root, const char **name)
{
	LDAPRDN rdn = NULL;
	char *p = NULL;
	int i, found = 0;

	*name = NULL;
	if (rdnbv == NULL || BER_BVISEMPTY(rdnbv))
		return 0;
	if (ldap_bv2rdn_x(rdnbv, &rdn, &p, LDAP_DN_FORMAT_LDAP, NULL) !=
	    LDAP_SUCCESS)
		return 0; /* slapd refuses a malformed RDN itself */
	for (i = 0; rdn[i] != NULL && !found; i++) {
		AttributeDescription *ad = NULL;
		const char *text;

		if (slap_bv2ad(&rdn[i]->la_attr, &ad, &text) != LDAP_SUCCESS)
			continue;
		if (dramwell_is_password(ad) || dramwell_is_changed_time(ad))
			found = 1;
		else if ((*name = dramwell_server_attr(ad, root)) != NULL)
			found = 1;
	}
	ldap_rdnfree_x(rdn, NULL);
	return found;
}

static int
dramwell_dn_has_secret(Operation *op, struct berval *dn, const char **name)
{
	struct berval rdn = BER_BVNULL;
	int found;

	*name = NULL;
	if (BER_BVISEMPTY(dn) ||
	    dnExtractRdn(dn, &rdn, op->o_tmpmemctx) != LDAP_SUCCESS)
		return 0;
	found = dramwell_rdn_has_secret(&rdn, be_isroot(op), name);
	op->o_tmpfree(rdn.bv_val, op->o_tmpmemctx);
	return found;
}

/*
 * Restricted connections (an expired password) may only change their own
 * password through the password-modify exop, with the old password: that
 * exop arrives here as the modify slapd makes of it, after slapd checked
 * the old password against the entry.
 */
static int
dramwell_write_restricted(Operation *op, req_pwdexop_s *qpw, const char **text)
{
	int rc = dramwell_restricted(op, text);

	if (rc == LDAP_SUCCESS)
		return rc;
	if (qpw != NULL && !BER_BVISNULL(&qpw->rs_old) &&
	    !BER_BVISEMPTY(&op->o_ndn) && dn_match(&op->o_req_ndn, &op->o_ndn))
		return LDAP_SUCCESS;
	return rc;
}

/* --- add ----------------------------------------------------------- */

static int
dramwell_add_passwords(
    Operation *op, struct dramwell_info *di, Entry *e, const char **text)
{
	char tbuf[DW_GENTIME_MAX];
	struct dw_policy pol;
	struct berval now, email;
	const char *name;
	Attribute *a;
	unsigned n = 0;
	int rc, root_time = 0;

	for (a = e->e_attrs; a != NULL; a = a->a_next) {
		if ((name = dramwell_server_attr(a->a_desc, be_isroot(op))) !=
		    NULL) {
			*text = dramwell_server_text(op, name);
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (dramwell_is_changed_time(a->a_desc))
			root_time = 1;
		if (dramwell_is_password(a->a_desc) && a->a_vals != NULL)
			n += a->a_numvals;
	}
	if (n == 0)
		return LDAP_SUCCESS;
	if (n > 1) {
		*text = DRAMWELL_ONE_PASSWORD_TEXT;
		return LDAP_CONSTRAINT_VIOLATION;
	}
	rc = dramwell_policy_read(op, di, &pol, text);
	if (rc != LDAP_SUCCESS)
		return rc;
	dramwell_entry_email(e, &email);
	for (a = e->e_attrs; a != NULL; a = a->a_next) {
		if (!dramwell_is_password(a->a_desc) || a->a_vals == NULL)
			continue;
		rc = dramwell_check_values(op, &pol, &email, NULL, a->a_vals,
		    text);
		if (rc != LDAP_SUCCESS)
			return rc;
		rc = dramwell_hash_values(di, a->a_vals, a->a_nvals, text);
		if (rc != LDAP_SUCCESS)
			return rc;
	}
	a = attr_find(e->e_attrs, slap_schema.si_ad_objectClass);
	if (root_time || a == NULL ||
	    !dramwell_vals_have_oc(a->a_vals, dramwell_schema.oc_dwAdminUser))
		return LDAP_SUCCESS;
	if (dramwell_now(tbuf, sizeof(tbuf), &now) != 0 ||
	    attr_merge_normalize_one(
		e, dramwell_schema.ad_dwPasswordChangedTime, &now, NULL) != 0) {
		*text = "cannot stamp dwPasswordChangedTime";
		return LDAP_OTHER;
	}
	return LDAP_SUCCESS;
}

/* A reported event: written as the overlay's own, or refused. */
static int
dramwell_record(
    Operation *op, SlapReply *rs, struct dramwell_write_state *ws)
{
	struct dramwell_event ev;
	const char *text = NULL;
	int rc;

	rc = dramwell_record_event(op, ws->ws_di, &ev, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, ws, rc, text, text);
	rc = dramwell_audit_write(op, ws->ws_di, &ev);
	dramwell_write_free(op, ws);
	if (rc != LDAP_SUCCESS) {
		send_ldap_error(op, rs, LDAP_OTHER, DRAMWELL_AUDIT_FAIL_TEXT);
		return LDAP_OTHER;
	}
	rs->sr_err = LDAP_SUCCESS;
	send_ldap_result(op, rs);
	return LDAP_SUCCESS;
}

int
dramwell_op_add(Operation *op, SlapReply *rs)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_write_state ws;
	const char *text = NULL, *action, *reason = NULL, *name;
	Attribute *a;
	int rc;

	if (dramwell_skip(op))
		return SLAP_CB_CONTINUE;
	dramwell_write_init(op, &ws, di, DW_AUDIT_CAT_CONFIG, "add");
	if ((action = dramwell_invite_action(op, on, di)) != NULL)
		ws.ws_ev.ev_action = action;
	ws.ws_audited = dramwell_in_scope(di, &op->o_req_ndn);
	if (dramwell_in_sessions(di, &op->o_req_ndn))
		dramwell_session_event(op, &ws, op->ora_e, 1);
	for (a = op->ora_e->e_attrs; a != NULL; a = a->a_next)
		dramwell_names_add(op, &ws, a->a_desc);

	rc = dramwell_write_restricted(op, NULL, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text,
		    "refused: password expired");
	if (dramwell_in_sessions(di, &op->o_req_ndn) &&
	    (rc = dramwell_session_write_check(
		 op, di, op->ora_e, NULL, &text)) != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, text);
	/* An audit event anywhere else would sit beside the real ones in
	 * a search from the suffix. */
	if (!dramwell_dn_within(&op->o_req_ndn, &di->di_audit_nbase) &&
	    is_entry_objectclass(
		op->ora_e, dramwell_schema.oc_dwAuditEvent, 0))
		return dramwell_refuse(op, rs, &ws,
		    LDAP_OBJECT_CLASS_VIOLATION,
		    "audit events live below the audit base only",
		    "refused: an audit event outside the audit base");
	if (dramwell_dn_has_secret(op, &op->o_req_dn, &name)) {
		BER_BVZERO(&ws.ws_ev.ev_target); /* keep it off the record */
		text = name != NULL ? dramwell_server_text(op, name)
				    : "a password cannot be part of a DN";
		return dramwell_refuse(op, rs, &ws, LDAP_CONSTRAINT_VIOLATION,
		    text, "refused: password or server attribute in the RDN");
	}
	/*
	 * Only the overlay writes the audit subtree (it creates the base
	 * entry on demand).  No client write reaches the audit database, so
	 * no audit entry is ever added there while a client operation holds
	 * a write transaction on it.  An add there is an event a client
	 * reports (dramwell_record.c): the overlay writes an event of its
	 * own from it, or refuses it (on the record).
	 */
	if (dramwell_dn_within(&op->o_req_ndn, &di->di_audit_nbase))
		return dramwell_record(op, rs, &ws);

	rc = dramwell_authz_check(op, di, &ws.ws_az, &text, &reason);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, reason);
	rc = dramwell_invite_add(op, on, di, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, text);
	rc = dramwell_add_passwords(op, di, op->ora_e, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, text);
	if (!ws.ws_audited) {
		dramwell_write_free(op, &ws);
		return SLAP_CB_CONTINUE;
	}
	return dramwell_pass_down(op, rs, op_add, &ws);
}

/* --- modify and the password exop ----------------------------------- */

/* The password-modify exop's request, when this modify is one (slapd's
 * passwd_extop passes it as the sc_private of a slap_null_cb callback and
 * the modification list it built). */
static req_pwdexop_s *
dramwell_pwdexop(Operation *op)
{
	slap_callback *sc;

	for (sc = op->o_callback; sc != NULL; sc = sc->sc_next) {
		if (sc->sc_response == slap_null_cb && sc->sc_private != NULL) {
			req_pwdexop_s *qpw = sc->sc_private;

			if (qpw->rs_mods == op->orm_modlist)
				return qpw;
		}
	}
	return NULL;
}

/* Does the modify give the entry objectClass dwAdminUser? */
static int
dramwell_mods_add_admin(Operation *op)
{
	Modifications *ml;

	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
		if (ml->sml_desc == slap_schema.si_ad_objectClass &&
		    ((ml->sml_op & LDAP_MOD_OP) == LDAP_MOD_ADD ||
			(ml->sml_op & LDAP_MOD_OP) == LDAP_MOD_REPLACE) &&
		    dramwell_vals_have_oc(
			ml->sml_values, dramwell_schema.oc_dwAdminUser))
			return 1;
	}
	return 0;
}

static void
dramwell_append_mod(Operation *op, Modifications *ml)
{
	Modifications **tail;

	for (tail = &op->orm_modlist; *tail != NULL; tail = &(*tail)->sml_next)
		;
	*tail = ml;
}

static int
dramwell_stamp_mod(Operation *op, const char **text)
{
	char tbuf[DW_GENTIME_MAX];
	struct berval now, nnow = BER_BVNULL;
	AttributeDescription *ad = dramwell_schema.ad_dwPasswordChangedTime;
	Modifications *ml;

	if (dramwell_now(tbuf, sizeof(tbuf), &now) != 0 ||
	    attr_normalize_one(ad, &now, &nnow, NULL) != LDAP_SUCCESS) {
		*text = "cannot stamp dwPasswordChangedTime";
		return LDAP_OTHER;
	}
	ml = ch_calloc(1, sizeof(*ml));
	ml->sml_op = LDAP_MOD_REPLACE;
	ml->sml_flags = SLAP_MOD_INTERNAL;
	ml->sml_desc = ad;
	ml->sml_type = ad->ad_cname;
	ml->sml_numvals = 1;
	ml->sml_values = ch_calloc(2, sizeof(struct berval));
	ber_dupbv(&ml->sml_values[0], &now);
	ml->sml_nvalues = ch_calloc(2, sizeof(struct berval));
	if (BER_BVISNULL(&nnow))
		ber_dupbv(&ml->sml_nvalues[0], &now);
	else
		ml->sml_nvalues[0] = nnow; /* ch_malloc'ed (no memctx) */
	dramwell_append_mod(op, ml);
	return LDAP_SUCCESS;
}

/* The exop's new password replaces whatever slapd hashed. */
static int
dramwell_exop_rehash(struct dramwell_info *di, Modifications *ml,
    req_pwdexop_s *qpw, const char **text)
{
	struct berval h;
	int rc;

	rc = dramwell_hash(di, &qpw->rs_new, &h, text);
	if (rc != LDAP_SUCCESS)
		return rc;
	if (ml->sml_nvalues != NULL && ml->sml_nvalues != ml->sml_values)
		ber_bvarray_free(ml->sml_nvalues);
	ml->sml_nvalues = NULL;
	ber_bvarray_free(ml->sml_values);
	ml->sml_values = ch_calloc(2, sizeof(struct berval));
	ml->sml_values[0] = h;
	ml->sml_numvals = 1;
	ml->sml_op = LDAP_MOD_REPLACE;
	return LDAP_SUCCESS;
}

static unsigned
dramwell_nvals(BerVarray vals)
{
	unsigned n = 0;

	while (vals != NULL && vals[n].bv_val != NULL)
		n++;
	return n;
}

/*
 * The structure of the userPassword changes: no named value deleted, and
 * how many values the entry (stored holds `stored`) ends with.  *set:
 * some modification stores a new password.
 */
static int
dramwell_password_mods(Operation *op, req_pwdexop_s *qpw, unsigned stored,
    int *set, const char **text)
{
	Modifications *ml;
	unsigned n = stored;

	*set = 0;
	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
		if (!dramwell_is_password(ml->sml_desc))
			continue;
		if (qpw != NULL) {
			n = 1;
			*set = 1;
			continue;
		}
		switch (ml->sml_op & LDAP_MOD_OP) {
		case LDAP_MOD_REPLACE:
			n = dramwell_nvals(ml->sml_values);
			*set |= n > 0;
			break;
		case LDAP_MOD_ADD:
		case SLAP_MOD_SOFTADD:
		case SLAP_MOD_ADD_IF_NOT_PRESENT:
			n += dramwell_nvals(ml->sml_values);
			*set |= dramwell_nvals(ml->sml_values) > 0;
			break;
		case LDAP_MOD_DELETE:
		case SLAP_MOD_SOFTDEL:
			if (dramwell_nvals(ml->sml_values) == 0) {
				n = 0; /* the whole attribute */
				break;
			}
			*text = "userPassword: deleting individual values is "
				"refused; delete the attribute or replace it";
			return LDAP_UNWILLING_TO_PERFORM;
		default:
			*text = "userPassword: unsupported modification";
			return LDAP_CONSTRAINT_VIOLATION;
		}
	}
	if (n > 1) {
		*text = DRAMWELL_ONE_PASSWORD_TEXT;
		return LDAP_CONSTRAINT_VIOLATION;
	}
	/* Removing the password, to add one back in a later request,
	 * would go around the history and the maximum age (the new one
	 * would be checked against no current password and stamped
	 * fresh); an account without one is locked out but for the
	 * rootdn.  A change is one request: replace, or delete and add. */
	if (n == 0 && stored > 0 && !be_isroot(op)) {
		*text = "userPassword cannot be removed: change it in one "
			"request (replace, or delete and add together)";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	return LDAP_SUCCESS;
}

/* Policy-check, then hash, every new password of the modify. */
static int
dramwell_modify_new_passwords(Operation *op, struct dramwell_info *di,
    req_pwdexop_s *qpw, const struct dw_policy *pol, Entry *cur,
    const char **text)
{
	struct berval email;
	Modifications *ml;
	int rc;

	dramwell_entry_email(cur, &email);
	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
		if (!dramwell_is_password(ml->sml_desc))
			continue;
		if (qpw != NULL) {
			rc = dramwell_password_check(
			    op, pol, &email, cur, &qpw->rs_new, text);
			if (rc != LDAP_SUCCESS)
				return rc;
			continue;
		}
		/* (the soft delete masks to LDAP_MOD_DELETE too) */
		if ((ml->sml_op & LDAP_MOD_OP) == LDAP_MOD_DELETE ||
		    dramwell_nvals(ml->sml_values) == 0)
			continue;
		rc = dramwell_check_values(
		    op, pol, &email, cur, ml->sml_values, text);
		if (rc != LDAP_SUCCESS)
			return rc;
	}
	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
		if (!dramwell_is_password(ml->sml_desc))
			continue;
		if (qpw != NULL) {
			rc = dramwell_exop_rehash(di, ml, qpw, text);
		} else if ((ml->sml_op & LDAP_MOD_OP) == LDAP_MOD_DELETE ||
			   dramwell_nvals(ml->sml_values) == 0) {
			continue;
		} else {
			rc = dramwell_hash_values(
			    di, ml->sml_values, ml->sml_nvalues, text);
		}
		if (rc != LDAP_SUCCESS)
			return rc;
	}
	return LDAP_SUCCESS;
}

static int
dramwell_modify_passwords(Operation *op, slap_overinst *on,
    struct dramwell_info *di, req_pwdexop_s *qpw, const char **text)
{
	struct dw_policy pol;
	Modifications *ml, *hist = NULL;
	const char *name;
	Entry *cur = NULL;
	Attribute *a;
	unsigned stored = 0;
	int rc, set = 0, touched = 0, root_time = 0, admin;

	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
		if (ml->sml_flags & SLAP_MOD_INTERNAL)
			continue;
		if ((name = dramwell_server_attr(ml->sml_desc,
			 be_isroot(op))) != NULL &&
		    !dramwell_is_unlock(op, ml)) {
			*text = dramwell_server_text(op, name);
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (dramwell_is_changed_time(ml->sml_desc))
			root_time = 1;
		if (dramwell_is_password(ml->sml_desc))
			touched = 1;
	}
	if (!touched)
		return LDAP_SUCCESS;

	/* The entry as stored: its password and history, its e-mail.  Held
	 * (read-only) until the new values are checked. */
	if (overlay_entry_get_ov(op, &op->o_req_ndn, NULL, NULL, 0, &cur, on) !=
		LDAP_SUCCESS)
		cur = NULL; /* the backend answers noSuchObject */
	if (cur != NULL &&
	    (a = attr_find(cur->e_attrs, slap_schema.si_ad_userPassword)) !=
		NULL)
		stored = a->a_numvals;
	rc = dramwell_password_mods(op, qpw, stored, &set, text);
	if (rc != LDAP_SUCCESS || !set)
		goto out;
	rc = dramwell_policy_read(op, di, &pol, text);
	if (rc != LDAP_SUCCESS)
		goto out;
	rc = dramwell_modify_new_passwords(op, di, qpw, &pol, cur, text);
	if (rc != LDAP_SUCCESS)
		goto out;
	admin = dramwell_mods_add_admin(op) ||
		(cur != NULL &&
		    is_entry_objectclass(cur, dramwell_schema.oc_dwAdminUser, 0));
	if (!admin)
		goto out;
	if (cur != NULL) {
		hist = dramwell_history_mod(op, &pol, cur, slap_get_time());
		if (hist != NULL)
			dramwell_append_mod(op, hist);
	}
	if (!root_time)
		rc = dramwell_stamp_mod(op, text);
out:
	if (cur != NULL)
		overlay_entry_release_ov(op, cur, 0, on);
	return rc;
}

int
dramwell_op_modify(Operation *op, SlapReply *rs)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_write_state ws;
	req_pwdexop_s *qpw;
	Modifications *ml;
	const char *text = NULL, *action, *reason = NULL;
	int rc;

	if (dramwell_skip(op))
		return SLAP_CB_CONTINUE;
	qpw = dramwell_pwdexop(op);
	dramwell_write_init(op, &ws, di, DW_AUDIT_CAT_CONFIG,
	    qpw != NULL ? "passwd" : "modify");
	if ((action = dramwell_invite_action(op, on, di)) != NULL)
		ws.ws_ev.ev_action = action;
	ws.ws_audited = dramwell_in_scope(di, &op->o_req_ndn);
	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next)
		dramwell_names_add(op, &ws, ml->sml_desc);

	rc = dramwell_write_restricted(op, qpw, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text,
		    "refused: password expired");
	if (dramwell_dn_within(&op->o_req_ndn, &di->di_audit_nbase))
		return dramwell_refuse(op, rs, &ws, LDAP_UNWILLING_TO_PERFORM,
		    "the audit log is append-only: entries cannot be modified",
		    "refused: audit log is append-only");
	if (dramwell_in_sessions(di, &op->o_req_ndn)) {
		rc = dramwell_session_write_check(
		    op, di, NULL, op->orm_modlist, &text);
		if (rc != LDAP_SUCCESS) {
			/* Refreshes are not audited; a refusal is. */
			ws.ws_audited = 1;
			ws.ws_ev.ev_category = DW_AUDIT_CAT_AUTH;
			ws.ws_ev.ev_action = "session-modify";
			BER_BVZERO(&ws.ws_ev.ev_target);
			return dramwell_refuse(op, rs, &ws, rc, text, text);
		}
	}

	rc = dramwell_authz_check(op, di, &ws.ws_az, &text, &reason);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, reason);
	rc = dramwell_invite_modify(op, on, di, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, text);
	rc = dramwell_modify_passwords(op, on, di, qpw, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, text);
	if (!ws.ws_audited) {
		dramwell_write_free(op, &ws);
		return SLAP_CB_CONTINUE;
	}
	rc = dramwell_pass_down(op, rs, op_modify, &ws);
	/* An expired password changed: the connection is free again. */
	if (qpw != NULL && rs->sr_err == LDAP_SUCCESS &&
	    !BER_BVISEMPTY(&op->o_ndn) && dn_match(&op->o_req_ndn, &op->o_ndn))
		dramwell_restricted_clear(op);
	return rc;
}

/* --- delete and modrdn --------------------------------------------- */

/* "prefix" + bv in o_tmpmemctx memory. */
static char *
dramwell_tmp_concat(Operation *op, const char *prefix, struct berval *bv)
{
	size_t plen = strlen(prefix);
	char *s;

	s = op->o_tmpalloc(plen + bv->bv_len + 1, op->o_tmpmemctx);
	memcpy(s, prefix, plen);
	memcpy(s + plen, bv->bv_val, bv->bv_len);
	s[plen + bv->bv_len] = '\0';
	return s;
}

int
dramwell_op_delete(Operation *op, SlapReply *rs)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_write_state ws;
	const char *action, *text = NULL, *reason = NULL;
	int rc;

	if (dramwell_skip(op))
		return SLAP_CB_CONTINUE;
	dramwell_write_init(op, &ws, di, DW_AUDIT_CAT_DESTRUCT, "delete");
	if ((action = dramwell_invite_action(op, on, di)) != NULL)
		ws.ws_ev.ev_action = action;
	ws.ws_audited = dramwell_in_scope(di, &op->o_req_ndn);
	if (dramwell_in_sessions(di, &op->o_req_ndn)) {
		Entry *e = NULL;

		if (overlay_entry_get_ov(op, &op->o_req_ndn, NULL, NULL, 0, &e,
			on) != LDAP_SUCCESS)
			e = NULL;
		dramwell_session_event(op, &ws, e, 0);
		if (e != NULL)
			overlay_entry_release_ov(op, e, 0, on);
	}
	rc = dramwell_write_restricted(op, NULL, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text,
		    "refused: password expired");
	if (dramwell_dn_within(&op->o_req_ndn, &di->di_audit_nbase))
		return dramwell_refuse(op, rs, &ws, LDAP_UNWILLING_TO_PERFORM,
		    "the audit log is append-only: entries cannot be deleted",
		    "refused: audit log is append-only");
	rc = dramwell_authz_check(op, di, &ws.ws_az, &text, &reason);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, reason);
	if (!ws.ws_audited) {
		dramwell_write_free(op, &ws);
		return SLAP_CB_CONTINUE;
	}
	return dramwell_pass_down(op, rs, op_delete, &ws);
}

int
dramwell_op_modrdn(Operation *op, SlapReply *rs)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_write_state ws;
	struct berval *nsup = op->orr_nnewSup;
	char *rdn_detail = NULL, *sup_detail = NULL;
	const char *text = NULL, *reason = NULL, *name;
	int rc;

	if (dramwell_skip(op))
		return SLAP_CB_CONTINUE;
	dramwell_write_init(op, &ws, di, DW_AUDIT_CAT_CONFIG, "modrdn");
	ws.ws_audited = dramwell_in_scope(di, &op->o_req_ndn) ||
			(nsup != NULL && dramwell_in_scope(di, nsup));

	rc = dramwell_write_restricted(op, NULL, &text);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text,
		    "refused: password expired");

	if (dramwell_dn_within(&op->o_req_ndn, &di->di_audit_nbase) ||
	    (nsup != NULL && dramwell_dn_within(nsup, &di->di_audit_nbase)))
		return dramwell_refuse(op, rs, &ws, LDAP_UNWILLING_TO_PERFORM,
		    "the audit log is append-only: entries cannot be renamed",
		    "refused: audit log is append-only");
	if (dramwell_rdn_has_secret(&op->orr_newrdn, be_isroot(op), &name))
		return dramwell_refuse(op, rs, &ws, LDAP_CONSTRAINT_VIOLATION,
		    name != NULL ? dramwell_server_text(op, name)
				 : "a password cannot be part of a DN",
		    "refused: password or server attribute in the new RDN");
	rc = dramwell_authz_check(op, di, &ws.ws_az, &text, &reason);
	if (rc != LDAP_SUCCESS)
		return dramwell_refuse(op, rs, &ws, rc, text, reason);
	if (!ws.ws_audited) {
		dramwell_write_free(op, &ws);
		return SLAP_CB_CONTINUE;
	}

	rdn_detail = dramwell_tmp_concat(op, "new rdn: ", &op->orr_newrdn);
	dramwell_event_detail(&ws.ws_ev, rdn_detail);
	if (op->orr_newSup != NULL && !BER_BVISNULL(op->orr_newSup)) {
		sup_detail =
		    dramwell_tmp_concat(op, "new superior: ", op->orr_newSup);
		dramwell_event_detail(&ws.ws_ev, sup_detail);
	}
	dramwell_event_detail(&ws.ws_ev,
	    op->orr_deleteoldrdn ? "old rdn deleted" : "old rdn kept");
	rc = dramwell_pass_down(op, rs, op_modrdn, &ws);
	op->o_tmpfree(rdn_detail, op->o_tmpmemctx);
	if (sup_detail != NULL)
		op->o_tmpfree(sup_detail, op->o_tmpmemctx);
	return rc;
}
