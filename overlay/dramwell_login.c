/*
 * dramwell_login.c: the gate in front of every admin login (a simple bind
 * below the admin base, or a dwMfaEnroll request): the client address
 * (trusted portal hosts and the Session Tracking control), the
 * per-address throttle, account lockout (dwLockout), the account state,
 * the IP allowlist and the password; and the connections restricted to
 * changing an expired password.
 *
 * Decisions are core's (dw_cidr, dw_lockout, dw_account, dw_passwd); the
 * facts are read fresh for every attempt: the policy entry and the admin
 * entry, nothing cached.  The lockout state is read again, updated and
 * written back under di_login_mutex, so that concurrent failures are all
 * counted (20 parallel wrong binds are 20 failures).
 */
#include "dramwell.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "dw_account.h"
#include "dw_audit.h"
#include "dw_exop.h"
#include "dw_time.h"

struct dramwell_login_schema dramwell_lschema;

/* Slots of the per-address throttle table (one per server process). */
#define DRAMWELL_THROTTLE_SLOTS 4096

#define DRAMWELL_EXPIRED_TEXT                                                  \
	"password expired: change it with the password modify operation"

/* --- the restricted connections ------------------------------------- */

/*
 * One slot per connection (index c_conn_idx + 1, as ppolicy does): the
 * DN that bound with an expired password, or empty.  Shared by every
 * dramwell instance (a connection is bound once, whatever the database);
 * dramwell_rc_count lets the check of every search skip the lock while
 * no connection is restricted.
 */
static ldap_pvt_thread_mutex_t dramwell_rc_mutex;
static struct berval *dramwell_rc;
static int dramwell_rc_size;
static int dramwell_rc_refs;
static atomic_int dramwell_rc_count;

/* The slot of a connection, or NULL.  Caller holds dramwell_rc_mutex. */
static struct berval *
dramwell_rc_slot(Connection *c)
{
	int i;

	if (c == NULL || dramwell_rc == NULL)
		return NULL;
	i = c->c_conn_idx + 1;
	if (i < 0 || i >= dramwell_rc_size)
		return NULL;
	return &dramwell_rc[i];
}

static void
dramwell_rc_clear_locked(struct berval *slot)
{
	if (slot == NULL || BER_BVISNULL(slot))
		return;
	ch_free(slot->bv_val);
	BER_BVZERO(slot);
	atomic_fetch_sub(&dramwell_rc_count, 1);
}

static void
dramwell_rc_clear(Connection *c)
{
	if (dramwell_rc == NULL || atomic_load(&dramwell_rc_count) == 0)
		return;
	ldap_pvt_thread_mutex_lock(&dramwell_rc_mutex);
	dramwell_rc_clear_locked(dramwell_rc_slot(c));
	ldap_pvt_thread_mutex_unlock(&dramwell_rc_mutex);
}

int
dramwell_restricted_set(Operation *op)
{
	struct berval *slot;
	int rc = -1;

	if (dramwell_rc == NULL)
		return -1;
	ldap_pvt_thread_mutex_lock(&dramwell_rc_mutex);
	slot = dramwell_rc_slot(op->o_conn);
	if (slot != NULL) {
		dramwell_rc_clear_locked(slot);
		ber_dupbv(slot, &op->o_req_ndn);
		atomic_fetch_add(&dramwell_rc_count, 1);
		rc = 0;
	}
	ldap_pvt_thread_mutex_unlock(&dramwell_rc_mutex);
	return rc;
}

void
dramwell_restricted_clear(Operation *op)
{
	if (op != NULL)
		dramwell_rc_clear(op->o_conn);
}

int
dramwell_login_conn_destroy(BackendDB *be, Connection *conn)
{
	dramwell_rc_clear(conn);
	return SLAP_CB_CONTINUE;
}

/* The RFC 3062 request of op (at bi_extended, or as the modify slapd
 * makes of it), when it changes the entry ndn and carries the old
 * password: the one thing a restricted connection may do. */
static int
dramwell_rc_allowed(Operation *op, struct berval *ndn)
{
	req_pwdexop_s *qpw = NULL;
	slap_callback *sc;

	if (op->o_tag == LDAP_REQ_EXTENDED &&
	    bvmatch(&op->ore_reqoid, &slap_EXOP_MODIFY_PASSWD)) {
		qpw = &op->oq_pwdexop;
	} else if (op->o_tag == LDAP_REQ_MODIFY) {
		/* slapd's passwd_extop passes its request as the sc_private
		 * of a slap_null_cb callback, with the modifications. */
		for (sc = op->o_callback; sc != NULL; sc = sc->sc_next) {
			if (sc->sc_response == slap_null_cb &&
			    sc->sc_private != NULL &&
			    ((req_pwdexop_s *)sc->sc_private)->rs_mods ==
				op->orm_modlist) {
				qpw = sc->sc_private;
				break;
			}
		}
	}
	return qpw != NULL && !BER_BVISNULL(&qpw->rs_old) &&
	       !BER_BVISEMPTY(&qpw->rs_old) && dn_match(&op->o_req_ndn, ndn);
}

int
dramwell_restricted(Operation *op, const char **text)
{
	struct berval *slot;
	int rc = LDAP_SUCCESS;

	if (op->o_conn == NULL || dramwell_rc == NULL ||
	    atomic_load(&dramwell_rc_count) == 0 || dramwell_is_own_op(op) ||
	    be_shadow_update(op))
		return LDAP_SUCCESS;
	ldap_pvt_thread_mutex_lock(&dramwell_rc_mutex);
	slot = dramwell_rc_slot(op->o_conn);
	if (slot == NULL || BER_BVISNULL(slot))
		goto out;
	/* Another bind since (of any kind, through any database) has
	 * changed the connection's identity: the restriction went with the
	 * identity it was put on. */
	if (!dn_match(&op->o_conn->c_ndn, slot)) {
		dramwell_rc_clear_locked(slot);
		goto out;
	}
	if (!dramwell_rc_allowed(op, slot)) {
		rc = LDAP_UNWILLING_TO_PERFORM;
		*text = DRAMWELL_EXPIRED_TEXT;
	}
out:
	ldap_pvt_thread_mutex_unlock(&dramwell_rc_mutex);
	return rc;
}

/* --- the client address --------------------------------------------- */

static int
dramwell_addr_text(const struct dw_addr *a, char *out, size_t outsz)
{
	if (inet_ntop(a->family, a->bytes, out, (socklen_t)outsz) == NULL) {
		if (outsz > 0)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

static int
dramwell_trusted(struct dramwell_info *di, const struct dw_addr *a)
{
	size_t i;

	for (i = 0; i < di->di_ntrusted; i++)
		if (dw_cidr_match(&di->di_trusted[i], a))
			return 1;
	return 0;
}

/*
 * The sessionSourceIp of op's Session Tracking control.  *present tells
 * whether op carries the control at all.  0 with the value in ip (a
 * NUL-terminated copy); -1 when there are several controls (ambiguous),
 * or the one is malformed or names no address.  The control is decoded
 * here, from the raw request, because slapd parses it only for the
 * operations it lists (bind, search, ... but not our extended ones).
 */
static int
dramwell_st_source_ip(Operation *op, char *ip, size_t ipsz, int *present)
{
	BerElementBuffer berbuf;
	BerElement *ber = (BerElement *)&berbuf;
	LDAPControl **c, *st = NULL;
	struct berval v, src, name, oid, id;
	ber_len_t left = 0;
	int n = 0;

	*present = 0;
	for (c = op->o_ctrls; c != NULL && *c != NULL; c++) {
		if ((*c)->ldctl_oid != NULL &&
		    strcmp((*c)->ldctl_oid, DW_OID_SESSION_TRACKING) == 0) {
			st = *c;
			n++;
		}
	}
	if (n == 0)
		return -1;
	*present = 1;
	if (n != 1 || BER_BVISNULL(&st->ldctl_value) ||
	    BER_BVISEMPTY(&st->ldctl_value))
		return -1;
	v = st->ldctl_value;
	ber_init2(ber, &v, 0);
	if (ber_scanf(ber, "{mmmm}", &src, &name, &oid, &id) == LBER_ERROR ||
	    ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &left) != 0 ||
	    left != 0)
		return -1;
	if (src.bv_len == 0 || src.bv_len >= ipsz ||
	    memchr(src.bv_val, '\0', src.bv_len) != NULL)
		return -1;
	memcpy(ip, src.bv_val, src.bv_len);
	ip[src.bv_len] = '\0';
	return 0;
}

void
dramwell_client_addr(
    Operation *op, struct dramwell_info *di, char *out, size_t outsz)
{
	char peer[DW_ADDR_MAX], ip[DW_CIDR_TEXT_MAX + 80];
	struct dw_addr pa, ea;
	int present;

	if (out == NULL || outsz == 0)
		return;
	out[0] = '\0';
	if (op == NULL || op->o_conn == NULL ||
	    dw_peer_to_addr(op->o_conn->c_peer_name.bv_val,
		op->o_conn->c_peer_name.bv_len, peer, sizeof(peer)) != DW_OK ||
	    dw_addr_parse(peer, strlen(peer), &pa) != DW_OK)
		return; /* ldapi, unknown: no address */
	if (di == NULL || !dramwell_trusted(di, &pa)) {
		/* Anyone else's control is ignored. */
		(void)dramwell_addr_text(&pa, out, outsz);
		return;
	}
	if (dramwell_st_source_ip(op, ip, sizeof(ip), &present) != 0) {
		if (!present) /* the portal host acting for itself */
			(void)dramwell_addr_text(&pa, out, outsz);
		return;
	}
	if (dw_addr_parse(ip, strlen(ip), &ea) != DW_OK)
		return; /* "LOCAL", a name, garbage: no address */
	(void)dramwell_addr_text(&ea, out, outsz);
}

/* --- modifications and internal writes ------------------------------- */

Modifications *
dramwell_mod_new(
    AttributeDescription *ad, int mop, const struct berval *vals, int n)
{
	Modifications *ml;
	MatchingRule *mr = ad->ad_type->sat_equality;
	int i;

	ml = ch_calloc(1, sizeof(*ml));
	ml->sml_op = mop;
	ml->sml_flags = 0;
	ml->sml_desc = ad;
	ml->sml_type = ad->ad_cname;
	if (n <= 0)
		return ml;
	ml->sml_numvals = n;
	ml->sml_values = ch_calloc(n + 1, sizeof(struct berval));
	for (i = 0; i < n; i++)
		ber_dupbv(&ml->sml_values[i], (struct berval *)&vals[i]);
	if (mr != NULL && mr->smr_normalize != NULL) {
		ml->sml_nvalues = ch_calloc(n + 1, sizeof(struct berval));
		for (i = 0; i < n; i++) {
			if (attr_normalize_one(ad, &ml->sml_values[i],
				&ml->sml_nvalues[i], NULL) != LDAP_SUCCESS) {
				slap_mods_free(ml, 1);
				return NULL;
			}
		}
	}
	return ml;
}

int
dramwell_internal_modify(Operation *op, struct berval *dn, struct berval *ndn,
    Modifications *mods)
{
	Operation op2;
	SlapReply rs2 = {REP_RESULT};
	slap_callback own;
	BackendDB *be;
	int rc = LDAP_UNAVAILABLE;

	be = select_backend(ndn, 0);
	if (be == NULL || be->be_modify == NULL)
		goto out;
	op2 = *op;
	memset(&op2.o_request, 0, sizeof(op2.o_request));
	memset(op2.o_ctrlflag, 0, sizeof(op2.o_ctrlflag));
	op2.o_ctrls = NULL;
	op2.o_tag = LDAP_REQ_MODIFY;
	op2.o_bd = be;
	op2.o_dn = be->be_rootdn;
	op2.o_ndn = be->be_rootndn;
	/* Replicated like any change: a lockout and a used code hold on
	 * every provider (see slapo-dramwell(5) for the caveats). */
	op2.o_dont_replicate = 0;
	dramwell_own_callback(&own);
	op2.o_callback = &own;
	op2.o_req_dn = *dn;
	op2.o_req_ndn = *ndn;
	op2.orm_modlist = mods;
	op2.orm_no_opattrs = 0;
	op2.orm_increment = 0;
	slap_op_time(&op2.o_time, &op2.o_tincr);
	rs2.sr_err = LDAP_OTHER;
	(void)be->be_modify(&op2, &rs2);
	rc = rs2.sr_err;
	mods = op2.orm_modlist; /* the backend appends operational ones */
out:
	slap_mods_free(mods, 1);
	return rc;
}

/* --- lockout and throttle ------------------------------------------- */

/* Write the lockout state l to the entry (delete the value when empty). */
static int
dramwell_lockout_write(Operation *op, struct dramwell_login *lg,
    const struct dw_lockout *l, int had_value)
{
	char buf[DW_LOCKOUT_TEXT_MAX];
	struct berval bv;
	Modifications *ml;

	if (l->failures == 0 && l->first == 0 && l->until == 0 &&
	    l->level == 0) {
		if (!had_value)
			return LDAP_SUCCESS;
		ml = dramwell_mod_new(
		    dramwell_lschema.ad_dwLockout, SLAP_MOD_SOFTDEL, NULL, 0);
	} else {
		if (dw_lockout_format(l, buf, sizeof(buf)) != DW_OK)
			return LDAP_OTHER;
		ber_str2bv(buf, 0, 0, &bv);
		ml = dramwell_mod_new(
		    dramwell_lschema.ad_dwLockout, LDAP_MOD_REPLACE, &bv, 1);
	}
	if (ml == NULL)
		return LDAP_OTHER;
	return dramwell_internal_modify(op, &lg->lg_dn, &lg->lg_ndn, ml);
}

/* The entry's stored lockout state, read now.  -1: malformed. */
static int
dramwell_lockout_read(Operation *op, slap_overinst *on, struct berval *ndn,
    struct dw_lockout *l, int *had_value)
{
	Entry *e = NULL;
	Attribute *a;
	int rc = 0;

	dw_lockout_init(l);
	*had_value = 0;
	if (overlay_entry_get_ov(op, ndn, NULL, NULL, 0, &e, on) !=
		LDAP_SUCCESS ||
	    e == NULL)
		return -1;
	a = attr_find(e->e_attrs, dramwell_lschema.ad_dwLockout);
	if (a != NULL) {
		*had_value = 1;
		if (a->a_numvals != 1 ||
		    dw_lockout_parse(a->a_vals[0].bv_val, a->a_vals[0].bv_len,
			l) != DW_OK) {
			dw_lockout_init(l);
			rc = -1;
		}
	}
	overlay_entry_release_ov(op, e, 0, on);
	return rc;
}

void
dramwell_login_failed(Operation *op, slap_overinst *on,
    struct dramwell_info *di, struct dramwell_login *lg)
{
	struct dw_lockout_rules r;
	struct dw_lockout l;
	struct dw_addr a;
	int64_t now;
	int had = 0, rc;

	ldap_pvt_thread_mutex_lock(&di->di_login_mutex);
	/* The time under the mutex (see below), for the throttle too. */
	now = (int64_t)slap_get_time();
	if (lg->lg_throttle && di->di_throttle != NULL &&
	    lg->lg_pol->address_throttle > 0 &&
	    dw_addr_parse(lg->lg_addr, strlen(lg->lg_addr), &a) == DW_OK)
		dw_throttle_fail(di->di_throttle, &a,
		    lg->lg_pol->lockout_window, now);
	if (lg->lg_counts && lg->lg_found &&
	    lg->lg_pol->lockout_threshold > 0) {
		/* Read again under the mutex: the state read at the start of
		 * this attempt may be stale by now.  So may this attempt's
		 * time: another one that waited less may have written a later
		 * "first failure", and a time before it reads as a clock set
		 * back, which restarts the count.  The time is taken here. */
		(void)dramwell_lockout_read(op, on, &lg->lg_ndn, &l, &had);
		dw_policy_lockout_rules(lg->lg_pol, &r);
		lg->lg_locked_now = dw_lockout_fail(&l, &r, now);
		rc = dramwell_lockout_write(op, lg, &l, had);
		if (rc != LDAP_SUCCESS)
			Debug(LDAP_DEBUG_ANY,
			    "%s dramwell: cannot record a failed login of "
			    "\"%s\" (%d)\n",
			    op->o_log_prefix, lg->lg_dn.bv_val, rc);
	}
	ldap_pvt_thread_mutex_unlock(&di->di_login_mutex);
}

void
dramwell_login_succeeded(Operation *op, slap_overinst *on,
    struct dramwell_info *di, struct dramwell_login *lg)
{
	struct dw_lockout l;
	int had = 0, rc;

	ldap_pvt_thread_mutex_lock(&di->di_login_mutex);
	(void)dramwell_lockout_read(op, on, &lg->lg_ndn, &l, &had);
	if (had) {
		dw_lockout_success(&l);
		rc = dramwell_lockout_write(op, lg, &l, had);
		if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_ATTRIBUTE)
			Debug(LDAP_DEBUG_ANY,
			    "%s dramwell: cannot reset the lockout of \"%s\" "
			    "(%d)\n",
			    op->o_log_prefix, lg->lg_dn.bv_val, rc);
	}
	ldap_pvt_thread_mutex_unlock(&di->di_login_mutex);
}

/* --- the gate -------------------------------------------------------- */

/*
 * A stand-in hash for unknown entries, so that a bind to a name that does
 * not exist costs one argon2 verification like any other.  Made once at
 * db_open with the configured parameters.
 */
static ldap_pvt_thread_mutex_t dramwell_dummy_mutex;
static char dramwell_dummy[DW_PASSWD_HASH_MAX];
static int dramwell_dummy_ok;

static void
dramwell_dummy_verify(const struct berval *cred)
{
	if (dramwell_dummy_ok && cred->bv_len > 0)
		(void)dw_passwd_verify(dramwell_dummy, strlen(dramwell_dummy),
		    cred->bv_val, cred->bv_len);
}

static void
dramwell_tmpdup(Operation *op, const struct berval *in, struct berval *out)
{
	ber_dupbv_x(out, (struct berval *)in, op->o_tmpmemctx);
}

static void
dramwell_tmpwipe(Operation *op, struct berval *bv)
{
	if (BER_BVISNULL(bv))
		return;
	sodium_memzero(bv->bv_val, bv->bv_len);
	op->o_tmpfree(bv->bv_val, op->o_tmpmemctx);
	BER_BVZERO(bv);
}

/* The account-state rule (NULL: active). */
static const char *
dramwell_state_reason(Attribute *a)
{
	enum dw_account_state st;

	if (a == NULL || a->a_numvals != 1)
		return "account status missing";
	if (dw_account_may_authenticate(
		a->a_vals[0].bv_val, a->a_vals[0].bv_len) == DW_ALLOW)
		return NULL;
	if (dw_account_state_parse(
		a->a_vals[0].bv_val, a->a_vals[0].bv_len, &st) != DW_OK)
		return "account status malformed";
	if (st == DW_ACCOUNT_INVITED)
		return "account invited";
	if (st == DW_ACCOUNT_DEACTIVATED)
		return "account deactivated";
	return "account not active";
}

/* An LDAP INTEGER that is a TOTP step: digits only, no sign, no leading
 * zero, at most 18 digits.  -1 otherwise. */
static int
dramwell_parse_step(const struct berval *v, int64_t *out)
{
	int64_t n = 0;
	ber_len_t i;

	if (v->bv_len == 0 || v->bv_len > 18 ||
	    (v->bv_len > 1 && v->bv_val[0] == '0'))
		return -1;
	for (i = 0; i < v->bv_len; i++) {
		if (v->bv_val[i] < '0' || v->bv_val[i] > '9')
			return -1;
		n = n * 10 + (v->bv_val[i] - '0');
	}
	*out = n;
	return 0;
}

/* Read the entry's facts and verify the password part of cred, in one
 * visit to the entry. */
static void
dramwell_login_read(Operation *op, slap_overinst *on, struct berval *ndn,
    struct berval *cred, int split, struct dramwell_login *lg)
{
	struct dramwell_login_schema *s = &dramwell_lschema;
	struct berval pw = *cred;
	const char *text = NULL;
	Entry *e = NULL;
	Attribute *a;
	size_t pwlen;
	unsigned i;

	lg->lg_kind = DW_CRED_NONE;
	if (overlay_entry_get_ov(op, ndn, NULL, NULL, 0, &e, on) !=
		LDAP_SUCCESS ||
	    e == NULL) {
		dramwell_dummy_verify(cred);
		return;
	}
	lg->lg_found = 1;
	dramwell_tmpdup(op, &e->e_name, &lg->lg_dn);
	dramwell_tmpdup(op, &e->e_nname, &lg->lg_ndn);
	lg->lg_state = dramwell_state_reason(
	    attr_find(e->e_attrs, dramwell_schema.ad_dwAccountStatus));

	dw_lockout_init(&lg->lg_lockout);
	a = attr_find(e->e_attrs, s->ad_dwLockout);
	lg->lg_has_lockout = a != NULL;
	if (a != NULL &&
	    (a->a_numvals != 1 ||
		dw_lockout_parse(a->a_vals[0].bv_val, a->a_vals[0].bv_len,
		    &lg->lg_lockout) != DW_OK))
		lg->lg_lockout_bad = 1;

	a = attr_find(e->e_attrs, s->ad_dwMfaEnabled);
	if (a != NULL && a->a_numvals == 1) {
		dramwell_tmpdup(op, &a->a_vals[0], &lg->lg_mfa_val);
		lg->lg_mfa = a->a_vals[0].bv_len == 4 &&
			     memcmp(a->a_vals[0].bv_val, "TRUE", 4) == 0;
	}
	a = attr_find(e->e_attrs, s->ad_dwMfaSecret);
	if (a != NULL && a->a_numvals == 1)
		dramwell_tmpdup(op, &a->a_vals[0], &lg->lg_secret);
	a = attr_find(e->e_attrs, s->ad_dwMfaLastStep);
	if (a != NULL) {
		lg->lg_has_last = 1;
		if (a->a_numvals != 1 ||
		    dramwell_parse_step(&a->a_vals[0], &lg->lg_last) != 0)
			lg->lg_last_bad = 1;
		else
			dramwell_tmpdup(op, &a->a_vals[0], &lg->lg_last_val);
	}
	a = attr_find(e->e_attrs, s->ad_dwRecoveryCodeHash);
	if (a != NULL && a->a_numvals > 0) {
		lg->lg_recovery = op->o_tmpcalloc(
		    a->a_numvals + 1, sizeof(struct berval), op->o_tmpmemctx);
		for (i = 0; i < a->a_numvals; i++)
			dramwell_tmpdup(op, &a->a_vals[i], &lg->lg_recovery[i]);
	}
	a = attr_find(e->e_attrs, dramwell_schema.ad_dwPasswordChangedTime);
	if (a != NULL && a->a_numvals == 1 &&
	    dw_gentime_parse(a->a_vals[0].bv_val, a->a_vals[0].bv_len,
		&lg->lg_changed) == DW_OK)
		lg->lg_has_changed = 1;

	if (split && lg->lg_mfa) {
		lg->lg_kind = dw_cred_split(cred->bv_val, cred->bv_len, &pwlen);
		if (lg->lg_kind != DW_CRED_NONE) {
			pw.bv_len = pwlen;
			lg->lg_factor.bv_val = cred->bv_val + pwlen;
			lg->lg_factor.bv_len = cred->bv_len - pwlen;
		}
	}
	/* The password work is done whatever else is wrong, for equal
	 * cost; its outcome only decides after everything before it. */
	a = attr_find(e->e_attrs, slap_schema.si_ad_userPassword);
	if (a != NULL && pw.bv_len > 0)
		lg->lg_pw_ok = slap_passwd_check(op, e, a, &pw, &text) == 0;
	else
		dramwell_dummy_verify(&pw);
	overlay_entry_release_ov(op, e, 0, on);
}
/* The lock decision (dw_lockout_locked): threshold 0 holds no lock, a
 * stored state that cannot be read locks (fail closed). */
static int
dramwell_login_locked(const struct dw_policy *pol, struct dramwell_login *lg)
{
	struct dw_lockout_rules r;

	dw_policy_lockout_rules(pol, &r);
	return dw_lockout_locked(lg->lg_lockout_bad ? NULL : &lg->lg_lockout,
		   &r, lg->lg_now) != DW_ALLOW;
}


int
dramwell_login_gate(Operation *op, slap_overinst *on, struct dramwell_info *di,
    struct berval *ndn, struct berval *cred, int split,
    struct dramwell_login *lg, const char **text)
{
	struct dw_policy *pol;
	struct dw_addr a;
	int rc, has_addr, throttled = 0;

	memset(lg, 0, sizeof(*lg));
	lg->lg_now = slap_get_time();
	dramwell_client_addr(op, di, lg->lg_addr, sizeof(lg->lg_addr));
	pol = op->o_tmpcalloc(1, sizeof(*pol), op->o_tmpmemctx);
	lg->lg_pol = pol;
	rc = dramwell_policy_read(op, di, pol, text);
	if (rc != LDAP_SUCCESS)
		return rc;

	/* 1. the address throttle */
	has_addr = dw_addr_parse(lg->lg_addr, strlen(lg->lg_addr), &a) == DW_OK;
	if (has_addr && di->di_throttle != NULL && pol->address_throttle > 0) {
		ldap_pvt_thread_mutex_lock(&di->di_login_mutex);
		throttled = dw_throttle_check(di->di_throttle, &a,
				pol->address_throttle, pol->lockout_window,
				lg->lg_now) != DW_ALLOW;
		ldap_pvt_thread_mutex_unlock(&di->di_login_mutex);
	}

	dramwell_login_read(op, on, ndn, cred, split, lg);

	if (throttled) {
		lg->lg_reason = "address throttled";
	} else if (!lg->lg_found) {
		lg->lg_reason = "unknown entry";
		lg->lg_throttle = 1;
	} else if (dramwell_login_locked(pol, lg)) {
		lg->lg_reason = "account locked";
	} else if (lg->lg_state != NULL) {
		lg->lg_reason = lg->lg_state;
	} else if (dw_allowlist_check(pol->allow, pol->nallow, lg->lg_addr,
		       strlen(lg->lg_addr)) != DW_ALLOW) {
		lg->lg_reason = "address not allowed";
		lg->lg_counts = lg->lg_throttle = 1;
	} else if (split && lg->lg_mfa && lg->lg_kind == DW_CRED_NONE) {
		lg->lg_reason = "code missing";
		lg->lg_counts = lg->lg_throttle = 1;
	} else if (!lg->lg_pw_ok) {
		lg->lg_reason = "wrong password";
		lg->lg_counts = lg->lg_throttle = 1;
	}
	return LDAP_SUCCESS;
}

void
dramwell_login_free(Operation *op, struct dramwell_login *lg)
{
	int i;

	if (lg->lg_pol != NULL)
		op->o_tmpfree(lg->lg_pol, op->o_tmpmemctx);
	lg->lg_pol = NULL;
	dramwell_tmpwipe(op, &lg->lg_dn);
	dramwell_tmpwipe(op, &lg->lg_ndn);
	dramwell_tmpwipe(op, &lg->lg_mfa_val);
	dramwell_tmpwipe(op, &lg->lg_secret);
	dramwell_tmpwipe(op, &lg->lg_last_val);
	if (lg->lg_recovery != NULL) {
		for (i = 0; !BER_BVISNULL(&lg->lg_recovery[i]); i++)
			dramwell_tmpwipe(op, &lg->lg_recovery[i]);
		op->o_tmpfree(lg->lg_recovery, op->o_tmpmemctx);
		lg->lg_recovery = NULL;
	}
	BER_BVZERO(&lg->lg_factor);
}

/* --- set-up ---------------------------------------------------------- */

static int
dramwell_login_schema_resolve(const char **text)
{
	struct dramwell_login_schema *s = &dramwell_lschema;
	struct {
		const char *name;
		AttributeDescription **ad;
	} t[] = {
	    {"dwMfaEnabled", &s->ad_dwMfaEnabled},
	    {"dwMfaSecret", &s->ad_dwMfaSecret},
	    {"dwMfaLastStep", &s->ad_dwMfaLastStep},
	    {"dwRecoveryCodeHash", &s->ad_dwRecoveryCodeHash},
	    {"dwLockout", &s->ad_dwLockout},
	    {"uid", &s->ad_uid},
	    {"mail", &s->ad_mail},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (*t[i].ad != NULL)
			continue;
		if (slap_str2ad(t[i].name, t[i].ad, text) != LDAP_SUCCESS) {
			*t[i].ad = NULL;
			return -1;
		}
	}
	return 0;
}

void
dramwell_login_db_init(struct dramwell_info *di)
{
	ldap_pvt_thread_mutex_init(&di->di_login_mutex);
	di->di_throttle = dw_throttle_new(DRAMWELL_THROTTLE_SLOTS);
	if (dramwell_rc_refs++ == 0) {
		ldap_pvt_thread_mutex_init(&dramwell_rc_mutex);
		ldap_pvt_thread_mutex_init(&dramwell_dummy_mutex);
		/* One slot more: c_conn_idx may be -1. */
		dramwell_rc_size = (dtblsize > 0 ? dtblsize : 0) + 1;
		dramwell_rc =
		    ch_calloc(dramwell_rc_size, sizeof(struct berval));
		atomic_store(&dramwell_rc_count, 0);
	}
}

void
dramwell_login_db_destroy(struct dramwell_info *di)
{
	int i;

	sodium_memzero(di->di_mfa_key, sizeof(di->di_mfa_key));
	di->di_mfa_key_loaded = 0;
	ch_free(di->di_mfa_keyfile);
	di->di_mfa_keyfile = NULL;
	ch_free(di->di_trusted);
	di->di_trusted = NULL;
	di->di_ntrusted = 0;
	dw_throttle_free(di->di_throttle);
	di->di_throttle = NULL;
	ldap_pvt_thread_mutex_destroy(&di->di_login_mutex);
	if (dramwell_rc_refs > 0 && --dramwell_rc_refs == 0) {
		for (i = 0; i < dramwell_rc_size; i++)
			ch_free(dramwell_rc[i].bv_val);
		ch_free(dramwell_rc);
		dramwell_rc = NULL;
		dramwell_rc_size = 0;
		atomic_store(&dramwell_rc_count, 0);
		ldap_pvt_thread_mutex_destroy(&dramwell_rc_mutex);
		ldap_pvt_thread_mutex_destroy(&dramwell_dummy_mutex);
		sodium_memzero(dramwell_dummy, sizeof(dramwell_dummy));
		dramwell_dummy_ok = 0;
	}
}

int
dramwell_login_key_load(struct dramwell_info *di, char *msg, size_t msgsz)
{
	unsigned char key[DW_SECRETBOX_KEY_BYTES];
	const char *why;
	int err;

	if (di->di_mfa_keyfile == NULL) {
		sodium_memzero(di->di_mfa_key, sizeof(di->di_mfa_key));
		di->di_mfa_key_loaded = 0;
		return 0;
	}
	err = dw_secretbox_key_load(di->di_mfa_keyfile, key);
	if (err != DW_OK) {
		switch (err) {
		case DW_ERR_IO:
			why = "missing or unreadable";
			break;
		case DW_ERR_UNSAFE:
			why = "not a regular file owned by root (or slapd's "
			      "user) with mode 0600 or stricter";
			break;
		case DW_ERR_INVAL:
			why = "not exactly 64 hexadecimal characters";
			break;
		default:
			why = dw_strerror(err);
			break;
		}
		snprintf(msg, msgsz,
		    "dramwell: dramwell-mfa-keyfile \"%s\": %s",
		    di->di_mfa_keyfile, why);
		sodium_memzero(key, sizeof(key));
		return -1;
	}
	memcpy(di->di_mfa_key, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	di->di_mfa_key_loaded = 1;
	return 0;
}

int
dramwell_login_db_open(struct dramwell_info *di, ConfigReply *cr)
{
	char pw[40];
	const char *text = NULL;

	if (sodium_init() < 0) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: libsodium cannot start");
		return 1;
	}
	if (dramwell_login_schema_resolve(&text) != 0) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: schema not loaded (include dramwell.schema): %s",
		    text ? text : "");
		return 1;
	}
	if (di->di_throttle == NULL) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: out of memory (address throttle)");
		return 1;
	}
	/* The tools (slapadd, slapcat, slapmodify...) authenticate nobody:
	 * they need neither the key nor the stand-in hash, and a backup must
	 * not depend on the key file. */
	if (slapMode & SLAP_TOOL_MODE)
		return 0;
	if (dramwell_login_key_load(di, cr->msg, sizeof(cr->msg)) != 0)
		return 1;
	ldap_pvt_thread_mutex_lock(&dramwell_dummy_mutex);
	if (!dramwell_dummy_ok &&
	    dw_passwd_generate(pw, sizeof(pw), 32) == DW_OK &&
	    dw_passwd_hash(pw, strlen(pw), &di->di_argon2, dramwell_dummy,
		sizeof(dramwell_dummy)) == DW_OK)
		dramwell_dummy_ok = 1;
	sodium_memzero(pw, sizeof(pw));
	ldap_pvt_thread_mutex_unlock(&dramwell_dummy_mutex);
	return 0;
}
