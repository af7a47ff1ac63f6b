/*
 * dramwell_authz.c: who may write what under the admin base, the role
 * base and the policy entry, whatever the client.
 *
 * The decisions are core/dw_authz.c's; this file gathers their facts from
 * the directory, fresh for every operation (nothing is cached):
 * - the actor: op->o_ndn's entry, its dwAccountStatus and dwRole, and that
 *   role's entry (dwPermission, dwBuiltin).  The rootdn skips the role
 *   checks, not the invariants;
 * - the target's entry before the write, and what the write changes;
 * - counts from internal searches (active super-admins, holders of a
 *   role), taken under di_authz_mutex, which stays held until the backend
 *   has answered, so that two writes cannot both pass a check that only
 *   one of them may pass (two Super Admins demoting each other).
 * A deactivation (or the deletion of an admin) then deletes the user's
 * session entries, as the overlay's own internal operations, before the
 * client gets its answer.
 */
#include "dramwell.h"

#include <string.h>

#include "dw_account.h"
#include "dw_authz.h"
#include "dw_perm.h"
#include "dw_policy.h"

#define DRAMWELL_STR2(x) #x
#define DRAMWELL_STR(x) DRAMWELL_STR2(x)

/* Bytes of an "attr: old -> new" detail; sessions ended in one operation. */
#define DRAMWELL_DIFF_MAX 1024
#define DRAMWELL_SESSIONS_MAX 4096

enum dramwell_area {
	DW_AREA_NONE = 0,
	DW_AREA_ADMIN,
	DW_AREA_ROLE,
	DW_AREA_POLICY,
};

struct dramwell_authz_ads {
	AttributeDescription *cn, *role, *status, *perm, *builtin, *suser;
	AttributeDescription *pw, *uid, *mail;
	ObjectClass *oc_policy;
};

static int
dramwell_authz_ads(struct dramwell_authz_ads *a)
{
	const char *text = NULL;

	memset(a, 0, sizeof(*a));
	if (slap_str2ad("cn", &a->cn, &text) != LDAP_SUCCESS ||
	    slap_str2ad("dwRole", &a->role, &text) != LDAP_SUCCESS ||
	    slap_str2ad("dwAccountStatus", &a->status, &text) != LDAP_SUCCESS ||
	    slap_str2ad("dwPermission", &a->perm, &text) != LDAP_SUCCESS ||
	    slap_str2ad("dwBuiltin", &a->builtin, &text) != LDAP_SUCCESS ||
	    slap_str2ad("dwSessionUser", &a->suser, &text) != LDAP_SUCCESS ||
	    slap_str2ad("uid", &a->uid, &text) != LDAP_SUCCESS ||
	    slap_str2ad("mail", &a->mail, &text) != LDAP_SUCCESS)
		return -1;
	/* May be missing from a broken schema: the backend then refuses
	 * the policy entry itself. */
	a->oc_policy = oc_find("dwSecurityPolicy");
	a->pw = slap_schema.si_ad_userPassword;
	return 0;
}

void
dramwell_authz_db_init(struct dramwell_info *di)
{
	ldap_pvt_thread_mutex_init(&di->di_authz_mutex);
}

void
dramwell_authz_db_destroy(struct dramwell_info *di)
{
	ldap_pvt_thread_mutex_destroy(&di->di_authz_mutex);
}

/* The policy base: the parent of the policy entry. */
static void
dramwell_policy_nbase(struct dramwell_info *di, struct berval *out)
{
	BER_BVZERO(out);
	if (!BER_BVISEMPTY(&di->di_policy_ndn))
		dnParent(&di->di_policy_ndn, out);
}

/* Is ndn at or below the policy base (the whole policy subtree)? */
static int
dramwell_in_policy(struct dramwell_info *di, struct berval *ndn)
{
	struct berval pb;

	dramwell_policy_nbase(di, &pb);
	if (BER_BVISEMPTY(&pb))
		return dramwell_dn_within(ndn, &di->di_policy_ndn);
	return dramwell_dn_within(ndn, &pb);
}

static enum dramwell_area
dramwell_area(struct dramwell_info *di, struct berval *ndn)
{
	if (ndn == NULL || BER_BVISNULL(ndn))
		return DW_AREA_NONE;
	if (dramwell_dn_within(ndn, &di->di_admin_nbase))
		return DW_AREA_ADMIN;
	if (dramwell_dn_within(ndn, &di->di_role_nbase))
		return DW_AREA_ROLE;
	if (dramwell_in_policy(di, ndn))
		return DW_AREA_POLICY;
	return DW_AREA_NONE;
}

/* Is ndn an entry directly below nbase? */
static int
dramwell_child_of(struct berval *ndn, struct berval *nbase)
{
	struct berval parent;

	if (BER_BVISEMPTY(ndn) || BER_BVISNULL(nbase))
		return 0;
	dnParent(ndn, &parent);
	return dn_match(&parent, nbase);
}

static int
dramwell_bv_eq(const struct berval *a, const struct berval *b)
{
	if (BER_BVISNULL(a) || BER_BVISNULL(b))
		return BER_BVISNULL(a) && BER_BVISNULL(b);
	return a->bv_len == b->bv_len &&
	       strncasecmp(a->bv_val, b->bv_val, a->bv_len) == 0;
}

static int
dramwell_bv_is(const struct berval *a, const char *s)
{
	struct berval b;

	ber_str2bv(s, 0, 0, &b);
	return dramwell_bv_eq(a, &b);
}

/* A copy of bv in o_tmpmemctx (BER_BVNULL stays null). */
static void
dramwell_tmp_dup(Operation *op, const struct berval *bv, struct berval *out)
{
	if (bv == NULL || BER_BVISNULL(bv)) {
		BER_BVZERO(out);
		return;
	}
	ber_dupbv_x(out, (struct berval *)bv, op->o_tmpmemctx);
}

static void
dramwell_tmp_free(Operation *op, struct berval *bv)
{
	if (!BER_BVISNULL(bv))
		op->o_tmpfree(bv->bv_val, op->o_tmpmemctx);
	BER_BVZERO(bv);
}

/* The single value of ad in e, copied; BER_BVNULL when none; -1 when
 * there are several. */
static int
dramwell_single(
    Operation *op, Entry *e, AttributeDescription *ad, struct berval *out)
{
	Attribute *a = e != NULL ? attr_find(e->e_attrs, ad) : NULL;

	BER_BVZERO(out);
	if (a == NULL || a->a_numvals == 0)
		return 0;
	if (a->a_numvals != 1)
		return -1;
	dramwell_tmp_dup(op, &a->a_vals[0], out);
	return 0;
}

static int
dramwell_is_true(Entry *e, AttributeDescription *ad)
{
	Attribute *a = e != NULL ? attr_find(e->e_attrs, ad) : NULL;

	return a != NULL && a->a_numvals == 1 &&
	       dramwell_bv_is(&a->a_vals[0], "TRUE");
}

/* --- details --------------------------------------------------------- */

static void
dramwell_detail_set(Operation *op, struct dramwell_authz *az, int i,
    const char *fmt1, const struct berval *a, const char *fmt2,
    const struct berval *b)
{
	static const struct berval none = BER_BVC("(none)");
	const struct berval *x = BER_BVISNULL(a) ? &none : a;
	const struct berval *y = BER_BVISNULL(b) ? &none : b;
	size_t len;
	char *s;

	len = strlen(fmt1) + x->bv_len + strlen(fmt2) + y->bv_len + 1;
	s = op->o_tmpalloc(len, op->o_tmpmemctx);
	snprintf(s, len, "%s%.*s%s%.*s", fmt1, (int)x->bv_len, x->bv_val, fmt2,
	    (int)y->bv_len, y->bv_val);
	if (az->az_detail[i] != NULL)
		op->o_tmpfree(az->az_detail[i], op->o_tmpmemctx);
	az->az_detail[i] = s;
}

/* A growing, bounded text in o_tmpmemctx. */
struct dramwell_buf {
	char *b;
	size_t len, cap;
	int full;
};

static void
dramwell_buf_put(struct dramwell_buf *b, const char *s, size_t len)
{
	if (b->full)
		return;
	if (b->len + len + 4 >= b->cap) {
		memcpy(b->b + b->len, "...", 4);
		b->len += 3;
		b->full = 1;
		return;
	}
	memcpy(b->b + b->len, s, len);
	b->len += len;
	b->b[b->len] = '\0';
}

static void
dramwell_buf_str(struct dramwell_buf *b, const char *s)
{
	dramwell_buf_put(b, s, strlen(s));
}

/* Secrets are never written out, whatever the attribute. */
static int
dramwell_ad_secret(AttributeDescription *ad)
{
	static const char *const names[] = {"userPassword", "dwMfaSecret",
	    "dwRecoveryCodeHash", "dwInviteToken", "dwInviteTokenHash", NULL};
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(ad->ad_cname.bv_val, names[i]) == 0)
			return 1;
	return 0;
}

static void
dramwell_buf_vals(struct dramwell_buf *b, BerVarray vals, BerVarray skip)
{
	int i, j, n = 0;

	for (i = 0; vals != NULL && !BER_BVISNULL(&vals[i]); i++) {
		int gone = 0;

		for (j = 0; skip != NULL && !BER_BVISNULL(&skip[j]); j++)
			if (dramwell_bv_eq(&vals[i], &skip[j]))
				gone = 1;
		if (gone)
			continue;
		if (n++ > 0)
			dramwell_buf_str(b, ", ");
		dramwell_buf_put(b, vals[i].bv_val, vals[i].bv_len);
	}
	if (n == 0)
		dramwell_buf_str(b, "(none)");
}

/*
 * "attr: old -> new; attr2: old -> new" for the attributes a modify
 * changes on e (the entry before it); secret attributes only say
 * "changed".
 */
static char *
dramwell_diff(Operation *op, Entry *e, Modifications *mods)
{
	struct dramwell_buf b = {NULL, 0, DRAMWELL_DIFF_MAX, 0};
	Modifications *ml;
	Attribute *a;
	int n = 0;

	b.b = op->o_tmpalloc(b.cap, op->o_tmpmemctx);
	b.b[0] = '\0';
	for (ml = mods; ml != NULL; ml = ml->sml_next) {
		if (ml->sml_flags & SLAP_MOD_INTERNAL)
			continue;
		if (n++ > 0)
			dramwell_buf_str(&b, "; ");
		dramwell_buf_put(&b, ml->sml_desc->ad_cname.bv_val,
		    ml->sml_desc->ad_cname.bv_len);
		if (dramwell_ad_secret(ml->sml_desc)) {
			dramwell_buf_str(&b, ": changed");
			continue;
		}
		dramwell_buf_str(&b, ": ");
		a = e != NULL ? attr_find(e->e_attrs, ml->sml_desc) : NULL;
		dramwell_buf_vals(&b, a != NULL ? a->a_vals : NULL, NULL);
		dramwell_buf_str(&b, " -> ");
		switch (ml->sml_op & LDAP_MOD_OP) {
		case LDAP_MOD_REPLACE:
			dramwell_buf_vals(&b, ml->sml_values, NULL);
			break;
		case LDAP_MOD_ADD:
		case SLAP_MOD_SOFTADD:
		case SLAP_MOD_ADD_IF_NOT_PRESENT:
			if (a != NULL) {
				dramwell_buf_vals(&b, a->a_vals, NULL);
				dramwell_buf_str(&b, ", ");
			}
			dramwell_buf_vals(&b, ml->sml_values, NULL);
			break;
		case LDAP_MOD_DELETE:
		case SLAP_MOD_SOFTDEL:
			if (ml->sml_values == NULL)
				dramwell_buf_str(&b, "(none)");
			else
				dramwell_buf_vals(&b,
				    a != NULL ? a->a_vals : NULL,
				    ml->sml_values);
			break;
		default:
			dramwell_buf_str(&b, "(incremented)");
			break;
		}
	}
	if (n == 0) {
		op->o_tmpfree(b.b, op->o_tmpmemctx);
		return NULL;
	}
	return b.b;
}

/* "permissions: a, b" for a new role. */
static char *
dramwell_perm_list(Operation *op, Entry *e, AttributeDescription *ad)
{
	struct dramwell_buf b = {NULL, 0, DRAMWELL_DIFF_MAX, 0};
	Attribute *a = attr_find(e->e_attrs, ad);

	b.b = op->o_tmpalloc(b.cap, op->o_tmpmemctx);
	b.b[0] = '\0';
	dramwell_buf_str(&b, "permissions: ");
	dramwell_buf_vals(&b, a != NULL ? a->a_vals : NULL, NULL);
	return b.b;
}

void
dramwell_authz_event(struct dramwell_authz *az, struct dramwell_event *ev)
{
	int i;

	if (az->az_action != NULL)
		ev->ev_action = az->az_action;
	for (i = 0; i < 3; i++)
		dramwell_event_detail(ev, az->az_detail[i]);
}

void
dramwell_authz_free(Operation *op, struct dramwell_authz *az)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (az->az_detail[i] != NULL)
			op->o_tmpfree(az->az_detail[i], op->o_tmpmemctx);
		az->az_detail[i] = NULL;
	}
	if (az->az_reason != NULL)
		op->o_tmpfree(az->az_reason, op->o_tmpmemctx);
	az->az_reason = NULL;
	dramwell_tmp_free(op, &az->az_ndn);
}

/* --- internal searches and deletes ----------------------------------- */

struct dramwell_collect {
	unsigned long n;
	BerVarray dns; /* o_tmpmemctx; only when collecting */
	int collect;
	/* When set: count only entries with exactly one role value that is
	 * these bytes and exactly one dwAccountStatus value "active" (the
	 * filter only finds candidates: its matching rules ignore case and
	 * insignificant spaces). */
	AttributeDescription *v_role, *v_status;
	const struct berval *v_want;
};

/* Does e hold exactly one value of ad, equal (bytes) to want? */
static int
dramwell_exactly(Entry *e, AttributeDescription *ad, const struct berval *want)
{
	Attribute *a = e != NULL ? attr_find(e->e_attrs, ad) : NULL;

	return a != NULL && a->a_numvals == 1 &&
	       !dw_authz_role_differs(a->a_vals[0].bv_val,
		   a->a_vals[0].bv_len, want->bv_val, want->bv_len);
}

static int
dramwell_collect_cb(Operation *op, SlapReply *rs)
{
	struct dramwell_collect *c = op->o_callback->sc_private;

	if (rs->sr_type != REP_SEARCH)
		return 0;
	if (c->v_role != NULL) {
		static const struct berval active = BER_BVC("active");

		if (!dramwell_exactly(rs->sr_entry, c->v_role, c->v_want) ||
		    !dramwell_exactly(rs->sr_entry, c->v_status, &active))
			return 0;
	}
	c->n++;
	if (c->collect && c->n <= DRAMWELL_SESSIONS_MAX) {
		struct berval dn;

		ber_dupbv_x(&dn, &rs->sr_entry->e_nname, op->o_tmpmemctx);
		ber_bvarray_add_x(&c->dns, &dn, op->o_tmpmemctx);
	}
	return 0;
}

/*
 * Count (and with collect, list) the entries matching f in scope below
 * nbase, as the database's rootdn: no limits, no client controls.
 */
static int
dramwell_search(Operation *op, struct berval *base, struct berval *nbase,
    int scope, Filter *f, struct dramwell_collect *c)
{
	AttributeName an[3];

	Operation op2 = {0};
	SlapReply rs2 = {REP_RESULT};
	slap_callback cb = {0};
	struct berval fstr = BER_BVNULL;
	BackendDB *be;
	int rc;

	be = select_backend(nbase, 0);
	if (be == NULL || be->be_search == NULL)
		return LDAP_UNAVAILABLE;
	cb.sc_response = dramwell_collect_cb;
	cb.sc_private = c;
	filter2bv_x(op, f, &fstr);

	op2.o_hdr = op->o_hdr;
	op2.o_tag = LDAP_REQ_SEARCH;
	op2.o_bd = be;
	op2.o_dn = be->be_rootdn;
	op2.o_ndn = be->be_rootndn;
	op2.o_req_dn = *base;
	op2.o_req_ndn = *nbase;
	op2.o_callback = &cb;
	op2.o_managedsait = SLAP_CONTROL_CRITICAL;
	op2.ors_scope = scope;
	op2.ors_deref = LDAP_DEREF_NEVER;
	op2.ors_slimit = SLAP_NO_LIMIT;
	op2.ors_tlimit = SLAP_NO_LIMIT;
	op2.ors_limit = NULL;
	if (c->v_role != NULL) {
		memset(an, 0, sizeof(an));
		an[0].an_desc = c->v_role;
		an[0].an_name = c->v_role->ad_cname;
		an[1].an_desc = c->v_status;
		an[1].an_name = c->v_status->ad_cname;
		BER_BVZERO(&an[2].an_name);
		op2.ors_attrsonly = 0;
		op2.ors_attrs = an;
	} else {
		op2.ors_attrsonly = 1;
		op2.ors_attrs = slap_anlist_no_attrs;
	}
	op2.ors_filter = f;
	op2.ors_filterstr = fstr;
	slap_op_time(&op2.o_time, &op2.o_tincr);

	rs2.sr_err = LDAP_OTHER;
	(void)be->be_search(&op2, &rs2);
	rc = rs2.sr_err;
	op->o_tmpfree(fstr.bv_val, op->o_tmpmemctx);
	if (rc == LDAP_NO_SUCH_OBJECT && c->n == 0)
		rc = LDAP_SUCCESS; /* no base: nothing there */
	return rc;
}

/* Count admins directly below the admin base holding role (an already
 * checked name), active ones only with active_only. */
static int
dramwell_count_role(Operation *op, struct dramwell_info *di,
    struct dramwell_authz_ads *ads, const struct berval *role, int active_only,
    unsigned long *n)
{
	struct dramwell_collect c = {0, NULL, 0, NULL, NULL, NULL};
	AttributeAssertion ava_role = ATTRIBUTEASSERTION_INIT;
	AttributeAssertion ava_st = ATTRIBUTEASSERTION_INIT;
	Filter fand = {0}, frole = {0}, fst = {0};
	struct berval nrole = BER_BVNULL, nst = BER_BVNULL;
	struct berval active = BER_BVC("active");
	int rc;

	if (attr_normalize_one(ads->role, (struct berval *)role, &nrole,
		op->o_tmpmemctx) != LDAP_SUCCESS ||
	    attr_normalize_one(ads->status, &active, &nst, op->o_tmpmemctx) !=
		LDAP_SUCCESS) {
		rc = LDAP_OTHER;
		goto out;
	}
	ava_role.aa_desc = ads->role;
	ava_role.aa_value = nrole;
	frole.f_choice = LDAP_FILTER_EQUALITY;
	frole.f_ava = &ava_role;
	ava_st.aa_desc = ads->status;
	ava_st.aa_value = nst;
	fst.f_choice = LDAP_FILTER_EQUALITY;
	fst.f_ava = &ava_st;
	if (active_only) {
		fand.f_choice = LDAP_FILTER_AND;
		fand.f_and = &frole;
		frole.f_next = &fst;
		/* Trust no matching rule: read the candidates. */
		c.v_role = ads->role;
		c.v_status = ads->status;
		c.v_want = role;
	}
	rc = dramwell_search(op, &di->di_admin_base, &di->di_admin_nbase,
	    LDAP_SCOPE_ONELEVEL, active_only ? &fand : &frole, &c);
	if (rc == LDAP_SUCCESS)
		*n = c.n;
out:
	if (nrole.bv_val != NULL)
		op->o_tmpfree(nrole.bv_val, op->o_tmpmemctx);
	if (nst.bv_val != NULL)
		op->o_tmpfree(nst.bv_val, op->o_tmpmemctx);
	return rc;
}

/* Delete the session entries of the user ndn; *n: how many. */
static int
dramwell_end_sessions(Operation *op, struct dramwell_info *di,
    struct dramwell_authz_ads *ads, struct berval *ndn, unsigned long *n)
{
	struct dramwell_collect c = {0, NULL, 1, NULL, NULL, NULL};
	AttributeAssertion ava = ATTRIBUTEASSERTION_INIT;
	Filter f = {0};
	int i, rc;

	*n = 0;
	ava.aa_desc = ads->suser;
	ava.aa_value = *ndn;
	f.f_choice = LDAP_FILTER_EQUALITY;
	f.f_ava = &ava;
	rc = dramwell_search(op, &di->di_session_base, &di->di_session_nbase,
	    LDAP_SCOPE_SUBTREE, &f, &c);
	if (rc == LDAP_SUCCESS && c.n > DRAMWELL_SESSIONS_MAX)
		rc = LDAP_ADMINLIMIT_EXCEEDED;
	for (i = 0;
	     rc == LDAP_SUCCESS && c.dns != NULL && !BER_BVISNULL(&c.dns[i]);
	     i++) {
		Operation op2 = {0};
		SlapReply rs2 = {REP_RESULT};
		slap_callback cb;
		BackendDB *be = select_backend(&c.dns[i], 0);

		if (be == NULL || be->be_delete == NULL) {
			rc = LDAP_UNAVAILABLE;
			break;
		}
		dramwell_own_callback(&cb);
		op2.o_hdr = op->o_hdr;
		op2.o_tag = LDAP_REQ_DELETE;
		op2.o_bd = be;
		op2.o_dn = be->be_rootdn;
		op2.o_ndn = be->be_rootndn;
		op2.o_req_dn = c.dns[i];
		op2.o_req_ndn = c.dns[i];
		op2.o_callback = &cb;
		op2.o_dont_replicate = 0;
		slap_op_time(&op2.o_time, &op2.o_tincr);
		rs2.sr_err = LDAP_OTHER;
		(void)be->be_delete(&op2, &rs2);
		if (rs2.sr_err == LDAP_SUCCESS)
			(*n)++;
		else if (rs2.sr_err != LDAP_NO_SUCH_OBJECT) /* gone already */
			rc = rs2.sr_err;
	}
	if (c.dns != NULL)
		ber_bvarray_free_x(c.dns, op->o_tmpmemctx);
	return rc;
}

/* --- the actor ------------------------------------------------------- */

/* cn=<name>,<role base>, normalised, in o_tmpmemctx. */
static int
dramwell_role_ndn(Operation *op, struct dramwell_info *di,
    const struct berval *name, struct berval *ndn)
{
	struct berval dn;
	int rc;

	dn.bv_len =
	    STRLENOF("cn=") + name->bv_len + 1 + di->di_role_base.bv_len;
	dn.bv_val = op->o_tmpalloc(dn.bv_len + 1, op->o_tmpmemctx);
	snprintf(dn.bv_val, dn.bv_len + 1, "cn=%.*s,%s", (int)name->bv_len,
	    name->bv_val, di->di_role_base.bv_val);
	rc = dnNormalize(0, NULL, NULL, &dn, ndn, op->o_tmpmemctx);
	op->o_tmpfree(dn.bv_val, op->o_tmpmemctx);
	return rc;
}

/* The value of the leading RDN of dn (as stored, not normalised). */
static void
dramwell_rdn_value_of(struct berval *dn, struct berval *val)
{
	struct berval rdn;
	char *eq;

	BER_BVZERO(val);
	dnRdn(dn, &rdn);
	eq = memchr(rdn.bv_val, '=', rdn.bv_len);
	if (eq == NULL)
		return;
	val->bv_val = eq + 1;
	val->bv_len = rdn.bv_len - (size_t)(eq + 1 - rdn.bv_val);
}

/*
 * Does the role name exist, exactly, as an entry under the role base?
 * The DN lookup matches case-insensitively; the entry's own name must
 * then be the same bytes (role names are exact lower-case values).
 */
static int
dramwell_role_exists(Operation *op, slap_overinst *on, struct dramwell_info *di,
    const struct berval *name)
{
	struct berval ndn = BER_BVNULL, have;
	Entry *e = NULL;
	int yes = 0;

	if (BER_BVISNULL(name) ||
	    dw_role_name_check(name->bv_val, name->bv_len) != DW_OK ||
	    dramwell_role_ndn(op, di, name, &ndn) != LDAP_SUCCESS)
		return 0;
	if (overlay_entry_get_ov(op, &ndn, NULL, NULL, 0, &e, on) ==
		LDAP_SUCCESS &&
	    e != NULL) {
		dramwell_rdn_value_of(&e->e_name, &have);
		yes = !dw_authz_role_differs(
		    have.bv_val, have.bv_len, name->bv_val, name->bv_len);
		overlay_entry_release_ov(op, e, 0, on);
	}
	op->o_tmpfree(ndn.bv_val, op->o_tmpmemctx);
	return yes;
}

/* Read the actor's role from the directory into a; the actor rule. */
static enum dw_decision
dramwell_actor(Operation *op, slap_overinst *on, struct dramwell_info *di,
    struct dramwell_authz_ads *ads, struct dw_authz_actor *a,
    struct dw_authz_denial *why)
{
	struct dw_authz_actor_facts f;
	struct berval status = BER_BVNULL, role = BER_BVNULL;
	struct berval rndn = BER_BVNULL;
	Entry *e = NULL;
	Attribute *attr;
	enum dw_decision d;
	int i;

	memset(a, 0, sizeof(*a));
	dw_perms_init(&a->perms);
	if (be_isroot(op)) {
		a->root = true;
		return DW_ALLOW;
	}
	memset(&f, 0, sizeof(f));
	f.admin_entry = !BER_BVISEMPTY(&op->o_ndn) &&
			dramwell_child_of(&op->o_ndn, &di->di_admin_nbase) &&
			overlay_entry_get_ov(op, &op->o_ndn, NULL, NULL, 0, &e,
			    on) == LDAP_SUCCESS &&
			e != NULL;
	if (f.admin_entry) {
		if (dramwell_single(op, e, ads->status, &status) == 0 &&
		    !BER_BVISNULL(&status)) {
			f.status = status.bv_val;
			f.status_len = status.bv_len;
		}
		if (dramwell_single(op, e, ads->role, &role) == 0 &&
		    !BER_BVISNULL(&role)) {
			f.role_single = true;
			f.role = role.bv_val;
			f.role_len = role.bv_len;
		}
		overlay_entry_release_ov(op, e, 0, on);
		e = NULL;
	}
	if (f.role_single && dw_role_name_check(f.role, f.role_len) == DW_OK &&
	    dramwell_role_ndn(op, di, &role, &rndn) == LDAP_SUCCESS &&
	    overlay_entry_get_ov(op, &rndn, NULL, NULL, 0, &e, on) ==
		LDAP_SUCCESS &&
	    e != NULL) {
		int builtin = dramwell_is_true(e, ads->builtin);
		struct berval have;

		dramwell_rdn_value_of(&e->e_name, &have);
		if (dw_authz_role_differs(have.bv_val, have.bv_len,
			role.bv_val, role.bv_len)) {
			/* cn=<case variant>: not this role */
			overlay_entry_release_ov(op, e, 0, on);
			e = NULL;
			goto decide;
		}

		f.role_found = true;
		f.perms_ok = true;
		attr = attr_find(e->e_attrs, ads->perm);
		for (i = 0; attr != NULL && i < (int)attr->a_numvals; i++) {
			struct berval *v = &attr->a_vals[i];
			int rc = builtin ? dw_perm_parse(
					       v->bv_val, v->bv_len, &a->perms)
					 : dw_perm_parse_custom(
					       v->bv_val, v->bv_len, &a->perms);

			if (rc != DW_OK)
				f.perms_ok = false;
		}
		a->super_admin = builtin && dw_authz_role_is_super_admin(
						role.bv_val, role.bv_len);
		overlay_entry_release_ov(op, e, 0, on);
	}
decide:
	d = dw_authz_actor_ok(&f, why);
	if (d != DW_ALLOW)
		dw_perms_init(&a->perms);
	dramwell_tmp_free(op, &status);
	dramwell_tmp_free(op, &role);
	dramwell_tmp_free(op, &rndn);
	return d;
}

/* --- the rules ------------------------------------------------------- */

struct dramwell_check {
	Operation *op;
	slap_overinst *on;
	struct dramwell_info *di;
	struct dramwell_authz *az;
	struct dramwell_authz_ads ads;
	struct dw_authz_actor actor;
	struct dw_authz_denial why;
	int code;	  /* LDAP code of a refusal made here */
	const char *text; /* its text */
};

static int
dramwell_refusal_code(enum dw_refusal kind)
{
	switch (kind) {
	case DW_REFUSE_CONSTRAINT:
		return LDAP_CONSTRAINT_VIOLATION;
	case DW_REFUSE_UNWILLING:
		return LDAP_UNWILLING_TO_PERFORM;
	default:
		return LDAP_INSUFFICIENT_ACCESS;
	}
}

static int
dramwell_deny(struct dramwell_check *c)
{
	c->code = dramwell_refusal_code(c->why.kind);
	c->text = c->why.text;
	return c->code;
}

static int
dramwell_fail(struct dramwell_check *c, int code, const char *text)
{
	c->code = code;
	c->text = text;
	return code;
}

/* The value a single-valued attribute has after the modify: *val
 * (pointing into old or the mods).  Returns 1 when the modify touches
 * it, -1 when it would give it several values. */
static int
dramwell_mod_single(Modifications *mods, AttributeDescription *ad,
    const struct berval *old, struct berval *val)
{
	Modifications *ml;
	int touched = 0, i;

	*val = *old;
	for (ml = mods; ml != NULL; ml = ml->sml_next) {
		BerVarray v = ml->sml_values;
		int nv = 0;

		if (ml->sml_desc != ad)
			continue;
		touched = 1;
		for (i = 0; v != NULL && !BER_BVISNULL(&v[i]); i++)
			nv++;
		switch (ml->sml_op & LDAP_MOD_OP) {
		case LDAP_MOD_REPLACE:
			if (nv > 1)
				return -1;
			if (nv == 1)
				*val = v[0];
			else
				BER_BVZERO(val);
			break;
		case LDAP_MOD_ADD:
		case SLAP_MOD_SOFTADD:
		case SLAP_MOD_ADD_IF_NOT_PRESENT:
			if (nv > 1)
				return -1;
			if (nv == 1)
				*val = v[0];
			break;
		case LDAP_MOD_DELETE:
		case SLAP_MOD_SOFTDEL:
			if (nv == 0) {
				BER_BVZERO(val);
				break;
			}
			for (i = 0; i < nv; i++)
				if (dramwell_bv_eq(&v[i], val))
					BER_BVZERO(val);
			break;
		default:
			return -1;
		}
	}
	return touched;
}

/* The exact state of a stored or written value: 0 when none or not
 * exactly canonical. */
static enum dw_account_state
dramwell_state(const struct berval *v)
{
	enum dw_account_state st;

	if (BER_BVISNULL(v) ||
	    dw_authz_status_value(v->bv_val, v->bv_len, &st, NULL) != DW_ALLOW)
		return 0;
	return st;
}

static int
dramwell_state_is(const struct berval *v, enum dw_account_state want)
{
	return dramwell_state(v) == want;
}

static int
dramwell_role_eq(const struct berval *a, const struct berval *b)
{
	return !dw_authz_role_differs(a->bv_val, BER_BVISNULL(a) ? 0 : a->bv_len,
	    b->bv_val, BER_BVISNULL(b) ? 0 : b->bv_len);
}

#define DRAMWELL_ROLE_TEXT "dwRole must name an existing role"
#define DRAMWELL_STATUS_TEXT                                                   \
	"dwAccountStatus must be one of invited, active, deactivated"
#define DRAMWELL_NAMES_MAX 8

/* The values of a (at most DRAMWELL_NAMES_MAX) as dw_authz_vals. */
static void
dramwell_vals(Attribute *a, const char **v, size_t *l, struct dw_authz_vals *x)
{
	unsigned i;

	x->v = v;
	x->len = l;
	x->n = 0;
	for (i = 0; a != NULL && i < a->a_numvals && i < DRAMWELL_NAMES_MAX;
	     i++) {
		v[i] = a->a_vals[i].bv_val;
		l[i] = a->a_vals[i].bv_len;
		x->n++;
	}
	if (a != NULL && a->a_numvals > DRAMWELL_NAMES_MAX)
		x->n = 0; /* fails every rule (one uid) */
}

/* The name rule of an entry added below the admin base. */
static int
dramwell_check_admin_name(struct dramwell_check *c)
{
	Operation *op = c->op;
	Entry *e = op->ora_e;
	const char *uv[DRAMWELL_NAMES_MAX], *mv[DRAMWELL_NAMES_MAX];
	size_t ul[DRAMWELL_NAMES_MAX], ml[DRAMWELL_NAMES_MAX];
	struct dw_authz_vals uid, mail;
	struct berval rdn = BER_BVNULL;
	LDAPRDN lrdn = NULL;
	char *p = NULL;
	AttributeDescription *ad = NULL;
	const char *text, *rv = NULL;
	size_t rl = 0;
	bool is_uid = false;
	Attribute *ma;
	enum dw_decision d;

	if (dnExtractRdn(&e->e_name, &rdn, op->o_tmpmemctx) == LDAP_SUCCESS &&
	    ldap_bv2rdn_x(&rdn, &lrdn, &p, LDAP_DN_FORMAT_LDAP,
		op->o_tmpmemctx) == LDAP_SUCCESS &&
	    lrdn[0] != NULL && lrdn[1] == NULL &&
	    slap_bv2ad(&lrdn[0]->la_attr, &ad, &text) == LDAP_SUCCESS &&
	    ad == c->ads.uid) {
		is_uid = true;
		rv = lrdn[0]->la_value.bv_val;
		rl = lrdn[0]->la_value.bv_len;
	}
	dramwell_vals(attr_find(e->e_attrs, c->ads.uid), uv, ul, &uid);
	ma = attr_find(e->e_attrs, c->ads.mail);
	dramwell_vals(ma, mv, ml, &mail);
	if (ma != NULL && ma->a_numvals > DRAMWELL_NAMES_MAX)
		is_uid = false;
	d = dw_authz_admin_name(
	    dramwell_child_of(&op->o_req_ndn, &c->di->di_admin_nbase), is_uid,
	    rv, rl, &uid, &mail, &c->why);
	if (lrdn != NULL)
		ldap_rdnfree_x(lrdn, op->o_tmpmemctx);
	if (!BER_BVISNULL(&rdn))
		op->o_tmpfree(rdn.bv_val, op->o_tmpmemctx);
	return d == DW_ALLOW ? LDAP_SUCCESS : dramwell_deny(c);
}

static int
dramwell_check_admin(struct dramwell_check *c)
{
	Operation *op = c->op;
	struct dramwell_authz *az = c->az;
	struct dramwell_authz_ads *ads = &c->ads;
	struct berval old_role = BER_BVNULL, old_st = BER_BVNULL;
	struct berval new_role, new_st;
	unsigned changes = 0;
	unsigned long count = 0;
	bool self, was_sa, stays_sa, admin_entry, below;
	Entry *e = NULL;
	int rc = LDAP_SUCCESS, role_t = 0, st_t = 0;

	admin_entry = dramwell_child_of(&op->o_req_ndn, &c->di->di_admin_nbase);
	below = !dn_match(&op->o_req_ndn, &c->di->di_admin_nbase);
	if (op->o_tag != LDAP_REQ_ADD &&
	    overlay_entry_get_ov(
		op, &op->o_req_ndn, NULL, NULL, 0, &e, c->on) == LDAP_SUCCESS &&
	    e != NULL) {
		if (dramwell_single(op, e, ads->role, &old_role) != 0 ||
		    dramwell_single(op, e, ads->status, &old_st) != 0) {
			/* Several values of a single-valued attribute. */
			overlay_entry_release_ov(op, e, 0, c->on);
			rc = dramwell_fail(
			    c, LDAP_OTHER, "the admin entry is malformed");
			goto out;
		}
		overlay_entry_release_ov(op, e, 0, c->on);
	}
	new_role = old_role;
	new_st = old_st;
	self = !c->actor.root && dn_match(&op->o_ndn, &op->o_req_ndn);

	switch (op->o_tag) {
	case LDAP_REQ_ADD: {
		Attribute *a;
		enum dw_account_state st = 0;

		changes = DW_ADMIN_CREATE;
		if (below) {
			rc = dramwell_check_admin_name(c);
			if (rc != LDAP_SUCCESS)
				goto out;
		}
		a = attr_find(op->ora_e->e_attrs, ads->role);
		if (a != NULL &&
		    (a->a_numvals != 1 ||
			dw_authz_role_value(a->a_vals[0].bv_val,
			    a->a_vals[0].bv_len,
			    dramwell_role_exists(
				op, c->on, c->di, &a->a_vals[0]),
			    &c->why) != DW_ALLOW)) {
			rc = dramwell_fail(
			    c, LDAP_CONSTRAINT_VIOLATION, DRAMWELL_ROLE_TEXT);
			goto out;
		}
		a = attr_find(op->ora_e->e_attrs, ads->status);
		if (a != NULL &&
		    (a->a_numvals != 1 ||
			dw_authz_status_value(a->a_vals[0].bv_val,
			    a->a_vals[0].bv_len, &st, &c->why) != DW_ALLOW)) {
			rc = dramwell_fail(
			    c, LDAP_CONSTRAINT_VIOLATION, DRAMWELL_STATUS_TEXT);
			goto out;
		}
		if (below && dw_authz_status_change(&c->actor, true, false, 0,
				 a != NULL, st, false, &c->why) != DW_ALLOW) {
			rc = dramwell_deny(c);
			goto out;
		}
		break;
	}
	case LDAP_REQ_DELETE:
		changes = DW_ADMIN_DELETE;
		az->az_end_sessions = admin_entry;
		break;
	case LDAP_REQ_MODRDN:
		changes = DW_ADMIN_RENAME;
		break;
	case LDAP_REQ_MODIFY: {
		Modifications *ml;
		enum dw_account_state os, ns;

		for (ml = op->orm_modlist; below && ml != NULL;
		     ml = ml->sml_next) {
			if (ml->sml_flags & SLAP_MOD_INTERNAL)
				continue;
			if (ml->sml_desc->ad_type == ads->uid->ad_type ||
			    ml->sml_desc->ad_type == ads->mail->ad_type) {
				(void)dw_authz_admin_name_modify(&c->why);
				rc = dramwell_deny(c);
				goto out;
			}
		}
		role_t = dramwell_mod_single(
		    op->orm_modlist, ads->role, &old_role, &new_role);
		st_t = dramwell_mod_single(
		    op->orm_modlist, ads->status, &old_st, &new_st);
		if (role_t < 0) {
			rc = dramwell_fail(
			    c, LDAP_CONSTRAINT_VIOLATION, DRAMWELL_ROLE_TEXT);
			goto out;
		}
		if (st_t < 0 ||
		    (st_t && !BER_BVISNULL(&new_st) &&
			dw_authz_status_value(new_st.bv_val, new_st.bv_len,
			    NULL, &c->why) != DW_ALLOW)) {
			rc = dramwell_fail(
			    c, LDAP_CONSTRAINT_VIOLATION, DRAMWELL_STATUS_TEXT);
			goto out;
		}
		for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
			if (ml->sml_flags & SLAP_MOD_INTERNAL)
				continue;
			if (ml->sml_desc == ads->pw)
				changes |= DW_ADMIN_PASSWORD;
			else if (ml->sml_desc != ads->role &&
				 ml->sml_desc != ads->status)
				changes |= DW_ADMIN_OTHER;
		}
		/* Different bytes: a role change, audited as set-role
		 * (refusals included). */
		if (role_t && !dramwell_role_eq(&old_role, &new_role))
			az->az_action = "set-role";
		/* Any dwRole value written must be a valid, existing role,
		 * whoever writes it, changed or not. */
		if (role_t && !BER_BVISNULL(&new_role) &&
		    dw_authz_role_value(new_role.bv_val, new_role.bv_len,
			dramwell_role_exists(op, c->on, c->di, &new_role),
			&c->why) != DW_ALLOW) {
			rc = dramwell_fail(
			    c, LDAP_CONSTRAINT_VIOLATION, DRAMWELL_ROLE_TEXT);
			goto out;
		}
		if (role_t && !dramwell_role_eq(&old_role, &new_role)) {
			/* Different bytes: a role change. */
			changes |= DW_ADMIN_SET_ROLE;
			dramwell_detail_set(
			    op, az, 0, "role: ", &old_role, " -> ", &new_role);
			/* A role is removed by the rootdn only. */
			if (BER_BVISNULL(&new_role) && !c->actor.root) {
				rc = dramwell_fail(c, LDAP_CONSTRAINT_VIOLATION,
				    DRAMWELL_ROLE_TEXT);
				goto out;
			}
		}
		if ((role_t && dramwell_role_eq(&old_role, &new_role)) ||
		    (st_t && dramwell_role_eq(&old_st, &new_st)))
			changes |= DW_ADMIN_OTHER; /* touched, unchanged */
		if (st_t && !dramwell_role_eq(&old_st, &new_st)) {
			dramwell_detail_set(
			    op, az, 1, "status: ", &old_st, " -> ", &new_st);
			os = dramwell_state(&old_st);
			ns = dramwell_state(&new_st);
			if (ns == DW_ACCOUNT_DEACTIVATED)
				changes |= DW_ADMIN_DEACTIVATE;
			else if (ns == DW_ACCOUNT_ACTIVE)
				changes |= DW_ADMIN_ACTIVATE;
			else
				changes |= DW_ADMIN_OTHER;
			/* The sessions of an account that stops being
			 * active end with it. */
			az->az_end_sessions = admin_entry &&
					      os == DW_ACCOUNT_ACTIVE &&
					      ns != DW_ACCOUNT_ACTIVE;
		}
		if (changes & DW_ADMIN_SET_ROLE)
			az->az_action = "set-role";
		else if (changes == DW_ADMIN_DEACTIVATE)
			az->az_action = "deactivate";
		else if (changes == DW_ADMIN_ACTIVATE &&
			 dramwell_state_is(&old_st, DW_ACCOUNT_DEACTIVATED))
			az->az_action = "reactivate";
		break;
	}
	default:
		rc = dramwell_fail(
		    c, LDAP_UNWILLING_TO_PERFORM, "unsupported operation");
		goto out;
	}

	if (dw_authz_admin_write(&c->actor, changes, self, &c->why) !=
	    DW_ALLOW) {
		rc = dramwell_deny(c);
		goto out;
	}
	if (op->o_tag == LDAP_REQ_MODIFY && st_t && below) {
		/* A stored value that is not exactly canonical counts as a
		 * state of its own (0): nothing leads out of it but a
		 * delete of the entry. */
		if (dw_authz_status_change(&c->actor, false,
			!BER_BVISNULL(&old_st), dramwell_state(&old_st),
			!BER_BVISNULL(&new_st), dramwell_state(&new_st),
			!c->actor.root && dn_match(&op->o_ndn, &op->o_req_ndn),
			&c->why) != DW_ALLOW) {
			rc = dramwell_deny(c);
			goto out;
		}
	}

	was_sa = admin_entry &&
		 dw_authz_role_is_super_admin(old_role.bv_val,
		     BER_BVISNULL(&old_role) ? 0 : old_role.bv_len) &&
		 dramwell_state_is(&old_st, DW_ACCOUNT_ACTIVE);
	stays_sa = op->o_tag == LDAP_REQ_MODIFY &&
		   dw_authz_role_is_super_admin(new_role.bv_val,
		       BER_BVISNULL(&new_role) ? 0 : new_role.bv_len) &&
		   dramwell_state_is(&new_st, DW_ACCOUNT_ACTIVE);
	if (was_sa && !stays_sa) {
		static const struct berval sa = BER_BVC(DW_ROLE_SUPER_ADMIN);

		rc = dramwell_count_role(op, c->di, ads, &sa, 1, &count);
		if (rc != LDAP_SUCCESS) {
			rc = dramwell_fail(c, LDAP_OTHER,
			    "cannot count the active super-admins");
			goto out;
		}
		if (dw_authz_last_super_admin(
			was_sa, stays_sa, count, &c->why) != DW_ALLOW) {
			rc = dramwell_deny(c);
			goto out;
		}
	}
	if (op->o_tag == LDAP_REQ_MODRDN && below) {
		/* The uid is the e-mail address and the name: a rename
		 * would tie the entry to another address. */
		(void)dw_authz_admin_name_modify(&c->why);
		c->why.kind = DW_REFUSE_UNWILLING;
		c->why.text = "admin entries cannot be renamed: the uid is "
			      "the e-mail address (invite the new address "
			      "instead)";
		rc = dramwell_deny(c);
		goto out;
	}
	rc = LDAP_SUCCESS;
out:
	dramwell_tmp_free(op, &old_role);
	dramwell_tmp_free(op, &old_st);
	return rc;
}

/* The name a role entry's DN gives it (its RDN value), or BER_BVNULL. */
static void
dramwell_rdn_value(struct berval *rdn, struct berval *val)
{
	char *eq;

	BER_BVZERO(val);
	eq = memchr(rdn->bv_val, '=', rdn->bv_len);
	if (eq == NULL)
		return;
	val->bv_val = eq + 1;
	val->bv_len = rdn->bv_len - (size_t)(eq + 1 - rdn->bv_val);
}

#define DRAMWELL_ROLE_NAME_TEXT                                                \
	"role names are 1 to 64 of a-z, 0-9 and '-', starting with a letter"

/* Check the dwPermission values vals (of a role, built-in or not). */
static int
dramwell_check_perms(struct dramwell_check *c, BerVarray vals, bool builtin)
{
	const char *v[64];
	size_t l[64], n = 0;
	int i;

	for (i = 0; vals != NULL && !BER_BVISNULL(&vals[i]); i++) {
		if (n == 64)
			return dramwell_fail(c, LDAP_CONSTRAINT_VIOLATION,
			    "dwPermission: too many values");
		v[n] = vals[i].bv_val;
		l[n] = vals[i].bv_len;
		n++;
	}
	if (dw_authz_role_perms(v, l, n, builtin, NULL, &c->why) != DW_ALLOW)
		return dramwell_deny(c);
	return LDAP_SUCCESS;
}

static int
dramwell_check_role(struct dramwell_check *c)
{
	Operation *op = c->op;
	struct dramwell_authz *az = c->az;
	struct dramwell_authz_ads *ads = &c->ads;
	enum dw_role_change change;
	struct berval rdn, name = BER_BVNULL;
	unsigned long assigned = 0;
	bool builtin = false, role_entry;
	Modifications *ml;
	Entry *e = NULL;
	int rc;

	role_entry = dramwell_child_of(&op->o_req_ndn, &c->di->di_role_nbase);
	dnRdn(&op->o_req_ndn, &rdn);
	dramwell_rdn_value(&rdn, &name);

	if (op->o_tag != LDAP_REQ_ADD &&
	    overlay_entry_get_ov(
		op, &op->o_req_ndn, NULL, NULL, 0, &e, c->on) == LDAP_SUCCESS &&
	    e != NULL) {
		builtin = dramwell_is_true(e, ads->builtin);
		if (op->o_tag == LDAP_REQ_MODIFY && role_entry)
			az->az_detail[1] =
			    dramwell_diff(op, e, op->orm_modlist);
		overlay_entry_release_ov(op, e, 0, c->on);
	}
	switch (op->o_tag) {
	case LDAP_REQ_ADD:
		change = DW_ROLE_CREATE;
		builtin = dramwell_is_true(op->ora_e, ads->builtin);
		if (role_entry)
			az->az_detail[1] =
			    dramwell_perm_list(op, op->ora_e, ads->perm);
		break;
	case LDAP_REQ_MODIFY:
		change = DW_ROLE_MODIFY;
		for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next)
			if (ml->sml_desc == ads->builtin)
				builtin =
				    true; /* none may make or unmake one */
		break;
	case LDAP_REQ_DELETE:
		change = DW_ROLE_DELETE;
		break;
	case LDAP_REQ_MODRDN:
		change = DW_ROLE_RENAME;
		break;
	default:
		return dramwell_fail(
		    c, LDAP_UNWILLING_TO_PERFORM, "unsupported operation");
	}
	if (role_entry) {
		static const char *const actions[] = {
		    NULL, "role-create", "role-modify", "role-delete", NULL};

		az->az_action = actions[change];
	}
	if ((change == DW_ROLE_DELETE || change == DW_ROLE_RENAME) &&
	    role_entry && !BER_BVISNULL(&name) &&
	    dw_role_name_check(name.bv_val, name.bv_len) == DW_OK) {
		rc = dramwell_count_role(op, c->di, ads, &name, 0, &assigned);
		if (rc != LDAP_SUCCESS)
			return dramwell_fail(c, LDAP_OTHER,
			    "cannot count the holders of the role");
	}
	if (dw_authz_role_write(
		&c->actor, change, builtin, assigned, &c->why) != DW_ALLOW)
		return dramwell_deny(c);
	if (!role_entry)
		return LDAP_SUCCESS;

	/* The new role's name and permissions. */
	if (change == DW_ROLE_CREATE) {
		Attribute *a = attr_find(op->ora_e->e_attrs, ads->perm);

		if (BER_BVISNULL(&name) ||
		    dw_role_name_check(name.bv_val, name.bv_len) != DW_OK)
			return dramwell_fail(c, LDAP_CONSTRAINT_VIOLATION,
			    DRAMWELL_ROLE_NAME_TEXT);
		return dramwell_check_perms(
		    c, a != NULL ? a->a_vals : NULL, builtin);
	}
	if (change == DW_ROLE_RENAME) {
		struct berval nname;

		dramwell_rdn_value(&op->orr_nnewrdn, &nname);
		if (BER_BVISNULL(&nname) ||
		    dw_role_name_check(nname.bv_val, nname.bv_len) != DW_OK ||
		    strncasecmp(op->orr_nnewrdn.bv_val, "cn=", 3) != 0)
			return dramwell_fail(c, LDAP_CONSTRAINT_VIOLATION,
			    DRAMWELL_ROLE_NAME_TEXT);
	}
	if (change == DW_ROLE_MODIFY) {
		for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
			int op_ = ml->sml_op & LDAP_MOD_OP;

			if (ml->sml_desc != ads->perm ||
			    (op_ != LDAP_MOD_ADD && op_ != LDAP_MOD_REPLACE &&
				op_ != SLAP_MOD_SOFTADD &&
				op_ != SLAP_MOD_ADD_IF_NOT_PRESENT))
				continue;
			rc = dramwell_check_perms(c, ml->sml_values, false);
			if (rc != LDAP_SUCCESS)
				return rc;
		}
	}
	return LDAP_SUCCESS;
}

#define DRAMWELL_POLICY_TEXT_MAX 192

/*
 * Refuse a policy write for key k: core's rule text when it has one, else
 * "<attribute>: <why>".  Either way the text names the attribute and the
 * reason, never more than the rule.
 */
static int
dramwell_policy_refuse(
    struct dramwell_check *c, enum dw_policy_key k, const char *why)
{
	char *s;

	if (c->why.text != NULL)
		return dramwell_deny(c);
	s = c->op->o_tmpalloc(DRAMWELL_POLICY_TEXT_MAX, c->op->o_tmpmemctx);
	snprintf(s, DRAMWELL_POLICY_TEXT_MAX, "%s: %s", dw_policy_attr(k), why);
	return dramwell_fail(c, LDAP_CONSTRAINT_VIOLATION, s);
}

/*
 * Validate the values vals of attribute ad written to the policy entry:
 * each through dw_policy_set (dw_authz_policy_value), the value the
 * overlay then reads back, so nothing is stored that a read would refuse.
 */
static int
dramwell_policy_vals(
    struct dramwell_check *c, AttributeDescription *ad, BerVarray vals)
{
	enum dw_policy_key k = DW_POL__COUNT;
	struct dw_policy p;
	int i, err;

	if (dw_authz_policy_attr(ad->ad_cname.bv_val, ad->ad_cname.bv_len, &k,
		&c->why) != DW_ALLOW)
		return dramwell_deny(c);
	if (k == DW_POL__COUNT)
		return LDAP_SUCCESS;
	for (i = 0; vals != NULL && !BER_BVISNULL(&vals[i]); i++) {
		memset(&c->why, 0, sizeof(c->why));
		if (dw_authz_policy_value(k, vals[i].bv_val, vals[i].bv_len,
			&c->why) == DW_ALLOW)
			continue;
		dw_policy_default(&p);
		err = dw_policy_set(&p, k, vals[i].bv_val, vals[i].bv_len);
		return dramwell_policy_refuse(c, k,
		    err == DW_ERR_RANGE ? "value out of range"
					: "malformed value");
	}
	return LDAP_SUCCESS;
}

/* Removing key k's values (delete, or replace with none). */
static int
dramwell_policy_remove(
    struct dramwell_check *c, enum dw_policy_key k, bool inc)
{
	memset(&c->why, 0, sizeof(c->why));
	if (dw_authz_policy_remove(k, inc, &c->why) == DW_ALLOW)
		return LDAP_SUCCESS;
	return dramwell_policy_refuse(c, k,
	    inc ? "cannot be incremented" : "required, cannot be deleted");
}

/* Is ad the allowlist attribute? */
static int
dramwell_is_allowlist(AttributeDescription *ad)
{
	enum dw_policy_key k;

	return dw_policy_key_from_attr(ad->ad_cname.bv_val,
		   ad->ad_cname.bv_len, &k) == DW_OK &&
	       k == DW_POL_IP_ALLOWLIST;
}

static unsigned
dramwell_count_vals(BerVarray vals)
{
	unsigned n = 0;

	while (vals != NULL && !BER_BVISNULL(&vals[n]))
		n++;
	return n;
}

/* The allowlist holds at most DW_POLICY_ALLOW_MAX ranges after the write
 * (the policy read refuses more: fail closed for every login). */
static int
dramwell_policy_allow_count(struct dramwell_check *c)
{
	Operation *op = c->op;
	Modifications *ml;
	Attribute *a;
	Entry *e = NULL;
	unsigned n = 0, nv;
	int seen = 0;

	if (op->o_tag == LDAP_REQ_ADD) {
		for (a = op->ora_e->e_attrs; a != NULL; a = a->a_next)
			if (dramwell_is_allowlist(a->a_desc))
				n += a->a_numvals;
	} else {
		for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next)
			seen |= dramwell_is_allowlist(ml->sml_desc);
		if (!seen)
			return LDAP_SUCCESS;
		if (overlay_entry_get_ov(op, &op->o_req_ndn, NULL, NULL, 0, &e,
			c->on) == LDAP_SUCCESS &&
		    e != NULL) {
			for (a = e->e_attrs; a != NULL; a = a->a_next)
				if (dramwell_is_allowlist(a->a_desc))
					n += a->a_numvals;
			overlay_entry_release_ov(op, e, 0, c->on);
		}
		for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
			if (!dramwell_is_allowlist(ml->sml_desc))
				continue;
			nv = dramwell_count_vals(ml->sml_values);
			switch (ml->sml_op & LDAP_MOD_OP) {
			case LDAP_MOD_REPLACE:
				n = nv;
				break;
			case LDAP_MOD_DELETE:
			case SLAP_MOD_SOFTDEL:
				n = nv == 0 || nv > n ? 0 : n - nv;
				break;
			default:
				n += nv;
				break;
			}
		}
	}
	if (n <= DW_POLICY_ALLOW_MAX)
		return LDAP_SUCCESS;
	memset(&c->why, 0, sizeof(c->why));
	return dramwell_policy_refuse(c, DW_POL_IP_ALLOWLIST,
	    "too many ranges (at most " DRAMWELL_STR(DW_POLICY_ALLOW_MAX) ")");
}

/* Every policy attribute a write to the policy entry carries. */
static int
dramwell_policy_check_values(struct dramwell_check *c)
{
	Operation *op = c->op;
	Modifications *ml;
	Attribute *a;
	int rc;

	if (op->o_tag == LDAP_REQ_ADD) {
		for (a = op->ora_e->e_attrs; a != NULL; a = a->a_next) {
			rc = dramwell_policy_vals(c, a->a_desc, a->a_vals);
			if (rc != LDAP_SUCCESS)
				return rc;
		}
		return dramwell_policy_allow_count(c);
	}
	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
		enum dw_policy_key k = DW_POL__COUNT;
		int empty = ml->sml_values == NULL ||
			    BER_BVISNULL(&ml->sml_values[0]);

		if (ml->sml_flags & SLAP_MOD_INTERNAL)
			continue;
		if (dw_authz_policy_attr(ml->sml_desc->ad_cname.bv_val,
			ml->sml_desc->ad_cname.bv_len, &k,
			&c->why) != DW_ALLOW)
			return dramwell_deny(c);
		if (k == DW_POL__COUNT)
			continue;
		switch (ml->sml_op & LDAP_MOD_OP) {
		case LDAP_MOD_ADD:
		case SLAP_MOD_SOFTADD:
		case SLAP_MOD_ADD_IF_NOT_PRESENT:
			rc = dramwell_policy_vals(
			    c, ml->sml_desc, ml->sml_values);
			break;
		case LDAP_MOD_REPLACE:
			if (empty)
				rc = dramwell_policy_remove(c, k, false);
			else
				rc = dramwell_policy_vals(
				    c, ml->sml_desc, ml->sml_values);
			break;
		case LDAP_MOD_DELETE:
		case SLAP_MOD_SOFTDEL:
			rc = dramwell_policy_remove(c, k, false);
			break;
		default: /* increment */
			rc = dramwell_policy_remove(c, k, true);
			break;
		}
		if (rc != LDAP_SUCCESS)
			return rc;
	}
	return dramwell_policy_allow_count(c);
}

/*
 * The whole policy subtree (the policy base, the policy entry and
 * anything below): security:write for every write; only the base and the
 * policy entry (of class dwSecurityPolicy) may be added; nothing is
 * renamed; every policy value written to the policy entry is valid.
 */
static int
dramwell_check_policy(struct dramwell_check *c)
{
	Operation *op = c->op;
	struct dramwell_info *di = c->di;
	struct berval pb;
	Entry *e = NULL;
	int is_entry = dn_match(&op->o_req_ndn, &di->di_policy_ndn);

	dramwell_policy_nbase(di, &pb);
	if (op->o_tag == LDAP_REQ_MODIFY && is_entry)
		c->az->az_action = "policy-modify";
	if (dw_authz_policy_write(&c->actor, &c->why) != DW_ALLOW)
		return dramwell_deny(c);
	if (op->o_tag == LDAP_REQ_MODRDN) {
		(void)dw_authz_policy_rename(&c->why);
		return dramwell_deny(c);
	}
	if (op->o_tag == LDAP_REQ_DELETE &&
	    dw_authz_policy_delete(&c->actor, &c->why) != DW_ALLOW)
		return dramwell_deny(c);
	if (op->o_tag == LDAP_REQ_ADD &&
	    dw_authz_policy_add(!BER_BVISEMPTY(&pb) &&
				    dn_match(&op->o_req_ndn, &pb),
		is_entry,
		c->ads.oc_policy == NULL ||
		    is_entry_objectclass(op->ora_e, c->ads.oc_policy, 0) != 0,
		&c->why) != DW_ALLOW)
		return dramwell_deny(c);
	if (is_entry && (op->o_tag == LDAP_REQ_ADD ||
			    op->o_tag == LDAP_REQ_MODIFY)) {
		int rc = dramwell_policy_check_values(c);

		if (rc != LDAP_SUCCESS)
			return rc;
	}
	if (c->az->az_action != NULL) {
		if (overlay_entry_get_ov(op, &op->o_req_ndn, NULL, NULL, 0, &e,
			c->on) == LDAP_SUCCESS &&
		    e != NULL) {
			c->az->az_detail[1] =
			    dramwell_diff(op, e, op->orm_modlist);
			overlay_entry_release_ov(op, e, 0, c->on);
		} else {
			c->az->az_detail[1] =
			    dramwell_diff(op, NULL, op->orm_modlist);
		}
	}
	return LDAP_SUCCESS;
}

/* The reason for the audit record: "refused: <text>". */
static const char *
dramwell_reason(Operation *op, struct dramwell_authz *az, const char *text)
{
	static const char prefix[] = "refused: ";
	size_t len = sizeof(prefix) + strlen(text);
	char *s;

	s = op->o_tmpalloc(len, op->o_tmpmemctx);
	snprintf(s, len, "%s%s", prefix, text);
	if (az->az_reason != NULL)
		op->o_tmpfree(az->az_reason, op->o_tmpmemctx);
	az->az_reason = s;
	return s;
}

int
dramwell_authz_check(Operation *op, struct dramwell_info *di,
    struct dramwell_authz *az, const char **text, const char **reason)
{
	struct dramwell_check c;
	enum dramwell_area area, dest = DW_AREA_NONE;
	struct berval newndn = BER_BVNULL;
	int rc, base = 0;

	memset(az, 0, sizeof(*az));
	az->az_di = di;
	memset(&c, 0, sizeof(c));
	c.op = op;
	c.on = (slap_overinst *)op->o_bd->bd_info;
	c.di = di;
	c.az = az;

	area = dramwell_area(di, &op->o_req_ndn);
	if (op->o_tag == LDAP_REQ_MODRDN) {
		if (op->orr_nnewSup != NULL)
			dest = dramwell_area(di, op->orr_nnewSup);
		else
			dest = area;
	}
	if (op->o_tag == LDAP_REQ_MODRDN &&
	    (dramwell_dn_within(&di->di_policy_ndn, &op->o_req_ndn) ||
		dramwell_dn_within(&di->di_admin_nbase, &op->o_req_ndn) ||
		dramwell_dn_within(&di->di_role_nbase, &op->o_req_ndn)))
		base = 1; /* renaming a base or one of its ancestors */
	if (area == DW_AREA_NONE && dest == DW_AREA_NONE && !base)
		return LDAP_SUCCESS;
	dramwell_tmp_dup(op, &op->o_req_ndn, &az->az_ndn);

	if (area == DW_AREA_ADMIN || area == DW_AREA_ROLE ||
	    dest == DW_AREA_ADMIN || dest == DW_AREA_ROLE) {
		ldap_pvt_thread_mutex_lock(&di->di_authz_mutex);
		az->az_locked = 1;
	}
	if (dramwell_authz_ads(&c.ads) != 0) {
		rc = dramwell_fail(&c, LDAP_OTHER,
		    "dramwell schema not loaded: writes are refused");
		goto out;
	}
	if (dramwell_actor(op, c.on, di, &c.ads, &c.actor, &c.why) !=
	    DW_ALLOW) {
		rc = dramwell_deny(&c);
		goto out;
	}
	if (op->o_tag == LDAP_REQ_MODRDN) {
		/* The bases themselves stay where they are, and nothing moves
		 * between the areas or into them. */
		if (base) {
			rc = dramwell_fail(&c, LDAP_UNWILLING_TO_PERFORM,
			    "the admin, role and policy bases cannot be "
			    "renamed");
			goto out;
		}
		if (area != dest) {
			rc = dramwell_fail(&c, LDAP_UNWILLING_TO_PERFORM,
			    "entries cannot be moved into or out of the admin, "
			    "role or policy subtrees");
			goto out;
		}
		if (op->orr_nnewSup != NULL) {
			build_new_dn(&newndn, op->orr_nnewSup, &op->orr_nnewrdn,
			    op->o_tmpmemctx);
			if (area == DW_AREA_ADMIN &&
			    dramwell_child_of(
				&op->o_req_ndn, &di->di_admin_nbase) !=
				dramwell_child_of(
				    &newndn, &di->di_admin_nbase)) {
				rc =
				    dramwell_fail(&c, LDAP_UNWILLING_TO_PERFORM,
					"admin entries stay directly below the "
					"admin base");
				goto out;
			}
			if (area == DW_AREA_ROLE &&
			    dramwell_child_of(
				&op->o_req_ndn, &di->di_role_nbase) !=
				dramwell_child_of(
				    &newndn, &di->di_role_nbase)) {
				rc =
				    dramwell_fail(&c, LDAP_UNWILLING_TO_PERFORM,
					"role entries stay directly below the "
					"role base");
				goto out;
			}
		}
	}
	switch (area) {
	case DW_AREA_ADMIN:
		rc = dramwell_check_admin(&c);
		break;
	case DW_AREA_ROLE:
		rc = dramwell_check_role(&c);
		break;
	case DW_AREA_POLICY:
		rc = dramwell_check_policy(&c);
		break;
	default:
		rc = LDAP_SUCCESS;
		break;
	}
out:
	if (!BER_BVISNULL(&newndn))
		op->o_tmpfree(newndn.bv_val, op->o_tmpmemctx);
	if (rc == LDAP_SUCCESS)
		return rc;
	if (az->az_locked) {
		ldap_pvt_thread_mutex_unlock(&di->di_authz_mutex);
		az->az_locked = 0;
	}
	az->az_end_sessions = 0;
	*text = c.text;
	*reason = dramwell_reason(op, az, c.text);
	return rc;
}

void
dramwell_authz_done(Operation *op, struct dramwell_authz *az, SlapReply *rs)
{
	struct dramwell_authz_ads ads;
	unsigned long n = 0;
	char buf[64];
	int rc;

	if (az->az_end_sessions && rs != NULL && rs->sr_err == LDAP_SUCCESS) {
		az->az_end_sessions = 0;
		rc = dramwell_authz_ads(&ads);
		if (rc == 0)
			rc = dramwell_end_sessions(
			    op, az->az_di, &ads, &az->az_ndn, &n);
		else
			rc = LDAP_OTHER;
		snprintf(buf, sizeof(buf), "sessions ended: %lu", n);
		if (rc != LDAP_SUCCESS) {
			Debug(LDAP_DEBUG_ANY,
			    "%s dramwell: cannot end the sessions of \"%s\" "
			    "(%d)\n",
			    op->o_log_prefix, az->az_ndn.bv_val, rc);
			snprintf(buf, sizeof(buf),
			    "sessions ended: %lu; the others could not be "
			    "deleted (%d)",
			    n, rc);
			rs->sr_err = LDAP_OTHER;
			rs->sr_text = "the change was applied, but the user's "
				      "sessions could not all be ended";
			rs->sr_matched = NULL;
		}
		if (az->az_detail[2] != NULL)
			op->o_tmpfree(az->az_detail[2], op->o_tmpmemctx);
		az->az_detail[2] = ber_strdup_x(buf, op->o_tmpmemctx);
	}
	az->az_end_sessions = 0;
	if (az->az_locked) {
		az->az_locked = 0;
		ldap_pvt_thread_mutex_unlock(&az->az_di->di_authz_mutex);
	}
}

/* --- appending to the audit log (dramwell_record.c) ------------------ */

int
dramwell_is_appender(Operation *op, struct dramwell_info *di)
{
	int i;

	for (i = 0; !BER_BVISEMPTY(&op->o_ndn) && di->di_appenders != NULL &&
		    !BER_BVISNULL(&di->di_appenders[i]);
	     i++)
		if (dn_match(&op->o_ndn, &di->di_appenders[i]))
			return 1;
	return 0;
}

int
dramwell_authz_may_append(Operation *op, struct dramwell_info *di)
{
	struct dramwell_authz_ads ads;
	struct dw_authz_actor actor;
	struct dw_authz_denial why;
	BackendDB *bd = op->o_bd, *be;
	slap_overinst *on;
	enum dw_decision d;

	if (BER_BVISEMPTY(&op->o_ndn))
		return 0;
	/* The rootdn (local maintenance: dwadm -Y EXTERNAL audit export
	 * records itself) reports as itself, like any reporter: it can
	 * stamp nothing either. */
	if (be_isroot(op) || dramwell_is_appender(op, di))
		return 1;
	/* An active admin whose role grants audit-log:write, read from the
	 * database of the admins (through its dramwell instance). */
	if (!dramwell_child_of(&op->o_ndn, &di->di_admin_nbase) ||
	    (be = select_backend(&di->di_admin_nbase, 0)) == NULL ||
	    (on = dramwell_instance_on(be)) == NULL ||
	    dramwell_authz_ads(&ads) != 0)
		return 0;
	op->o_bd = be;
	d = dramwell_actor(op, on, di, &ads, &actor, &why);
	op->o_bd = bd;
	return d == DW_ALLOW && !actor.root &&
	       dw_perm_allows(&actor.perms, DW_SEC_AUDIT_LOG, DW_ACCESS_WRITE) ==
		   DW_ALLOW;
}
