/*
 * dramwell_invite.c: invitations.
 *
 * - Invite: an add of uid=<lower-case e-mail>,<admin base> with
 *   dwAccountStatus invited and "dwInviteToken: <token>" (43 base64url
 *   characters, 256 bits, made by the client).  The token never reaches
 *   the backend: the overlay replaces it with dwInviteTokenHash (the
 *   lower-case hex of its BLAKE2b-256), dwInviteExpires (now + the
 *   policy's dwInviteLifetime, read from the policy entry on every
 *   invite; missing or malformed: refused) and dwInvitedBy (the actor).
 *   An invitation carries no password.  The rootdn alone may add an
 *   invited entry without a token (local maintenance: such an entry can
 *   never be accepted); every other invited add needs one.
 * - Resend: a modify whose one change is "replace: dwInviteToken" on an
 *   invited entry: a new hash and a new expiry in one backend write that
 *   is conditional on the entry still being invited, so the old token
 *   stops working at once.
 * - Revoke: the delete of an invited entry (named here for the audit).
 * - dwInviteTokenHash, dwInviteExpires and dwInvitedBy are the server's:
 *   no client (the rootdn included) adds or modifies them; dwInviteToken
 *   is refused anywhere else.
 * - Accept: the extended operation dwAcceptInvite (anonymous allowed),
 *   request SEQUENCE { token OCTET STRING, newPassword OCTET STRING }, no
 *   response value.  The token is looked up by its hash below the admin
 *   base and compared in constant time; the entry must be invited and not
 *   expired, and the password must pass the password policy (read
 *   fresh; dramwell_password_check, with the invitee's e-mail).  Then
 *   one internal modify, conditional on the exact stored hash and on the
 *   invited status, sets the password ({ARGON2}), dwPasswordChangedTime,
 *   makes the account active and deletes the hash and the expiry: of two
 *   concurrent accepts of one token exactly one succeeds.  An unknown,
 *   expired, revoked or used token gets invalidCredentials with one
 *   generic text; a refused password constraintViolation with "password
 *   refused: <rule>", and the token stays usable.  Every accept is
 *   audited (never the token or the password); the request's copies of
 *   both are wiped.
 *
 * Authorization of invites, resends and revokes is dramwell_authz.c's
 * (dramwell_write.c calls both); the accept needs none: the token is the
 * authority.
 */
#include "dramwell.h"

#include <string.h>

#include <sodium.h>

#include "dw_account.h"
#include "dw_audit.h"
#include "dw_email.h"
#include "dw_invite.h"
#include "dw_passwd.h"
#include "dw_policy.h"
#include "dw_time.h"

#define DRAMWELL_INV_GENERIC "invalid or expired invitation"
#define DRAMWELL_INV_TOKEN_TEXT                                                \
	"invite token must be 43 base64url characters (256 bits)"
#define DRAMWELL_INV_SERVER_TEXT                                               \
	"dwInviteTokenHash, dwInviteExpires and dwInvitedBy are maintained "   \
	"by the server"
#define DRAMWELL_INV_PENDING_TEXT "not a pending invitation"
#define DRAMWELL_INV_POLICY_TEXT                                               \
	"the security policy is missing or malformed; invitations are "        \
	"refused until it is fixed"
#define DRAMWELL_INV_APPLIED_TEXT                                              \
	"audit log unavailable (the change was applied but not audited)"

/* Schema elements of this file; resolved in db_open. */
static struct {
	AttributeDescription *token;   /* dwInviteToken (write-only) */
	AttributeDescription *hash;    /* dwInviteTokenHash */
	AttributeDescription *expires; /* dwInviteExpires */
	AttributeDescription *by;      /* dwInvitedBy */
	AttributeDescription *uid;
} dramwell_inv;

int
dramwell_invite_schema_resolve(const char **text)
{
	struct {
		const char *name;
		AttributeDescription **ad;
	} t[] = {
	    {"dwInviteToken", &dramwell_inv.token},
	    {"dwInviteTokenHash", &dramwell_inv.hash},
	    {"dwInviteExpires", &dramwell_inv.expires},
	    {"dwInvitedBy", &dramwell_inv.by},
	    {"uid", &dramwell_inv.uid},
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
	/* The policy (dramwell_policy.c) is read by the invitations first. */
	return dramwell_policy_schema_resolve(text);
}

/* --- helpers --------------------------------------------------------- */

static int
dramwell_inv_server_attr(AttributeDescription *ad)
{
	return ad->ad_type == dramwell_inv.hash->ad_type ||
	       ad->ad_type == dramwell_inv.expires->ad_type ||
	       ad->ad_type == dramwell_inv.by->ad_type;
}

static int
dramwell_inv_is_token(AttributeDescription *ad)
{
	return ad->ad_type == dramwell_inv.token->ad_type;
}

static void
dramwell_inv_wipe(BerVarray vals, BerVarray nvals)
{
	int i;

	for (i = 0; vals != NULL && vals[i].bv_val != NULL; i++)
		sodium_memzero(vals[i].bv_val, vals[i].bv_len);
	if (nvals == vals)
		return;
	for (i = 0; nvals != NULL && nvals[i].bv_val != NULL; i++)
		sodium_memzero(nvals[i].bv_val, nvals[i].bv_len);
}

/* Strictly below the admin base. */
static int
dramwell_inv_below_admins(struct dramwell_info *di, struct berval *ndn)
{
	return dramwell_dn_within(ndn, &di->di_admin_nbase) &&
	       !dn_match(ndn, &di->di_admin_nbase);
}

static int
dramwell_inv_status_invited(Attribute *a)
{
	enum dw_account_state st;

	return a != NULL && a->a_numvals == 1 &&
	       dw_account_state_parse(
		   a->a_vals[0].bv_val, a->a_vals[0].bv_len, &st) == DW_OK &&
	       st == DW_ACCOUNT_INVITED;
}

/* Is the stored entry ndn an admin entry whose status is invited? */
static int
dramwell_inv_stored_invited(
    Operation *op, slap_overinst *on, struct dramwell_info *di)
{
	Entry *e = NULL;
	int yes = 0;

	if (!dramwell_inv_below_admins(di, &op->o_req_ndn))
		return 0;
	if (overlay_entry_get_ov(op, &op->o_req_ndn, NULL, NULL, 0, &e, on) !=
		LDAP_SUCCESS ||
	    e == NULL)
		return 0;
	yes = dramwell_inv_status_invited(
	    attr_find(e->e_attrs, dramwell_schema.ad_dwAccountStatus));
	overlay_entry_release_ov(op, e, 0, on);
	return yes;
}

/*
 * The hash (hex, NUL-terminated) of tok and the expiry (now + the
 * policy's invite lifetime) as GeneralizedTime.  LDAP_SUCCESS or a code
 * and *text.
 */
static int
dramwell_inv_stamp(Operation *op, struct dramwell_info *di,
    const struct berval *tok, char *hex, size_t hexsz, char *gt, size_t gtsz,
    const char **text)
{
	struct dw_policy pol;
	int err;

	if (dw_invite_token_check(tok->bv_val, tok->bv_len) != DW_OK) {
		*text = DRAMWELL_INV_TOKEN_TEXT;
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (dramwell_policy_read(op, di, &pol, text) != LDAP_SUCCESS) {
		*text = DRAMWELL_INV_POLICY_TEXT;
		return LDAP_UNWILLING_TO_PERFORM;
	}
	err = dw_invite_token_hash_hex(tok->bv_val, tok->bv_len, hex, hexsz);
	if (err != DW_OK ||
	    dw_gentime_format(slap_get_time() + (time_t)pol.invite_lifetime, -1,
		gt, gtsz) != DW_OK) {
		*text = "cannot stamp the invitation";
		return LDAP_OTHER;
	}
	return LDAP_SUCCESS;
}

/* A new modification of ad with one value (or none), ch_malloc'ed. */
static Modifications *
dramwell_inv_mod(AttributeDescription *ad, int mop, const char *val)
{
	Modifications *ml;
	struct berval bv;

	ml = ch_calloc(1, sizeof(*ml));
	ml->sml_op = mop;
	ml->sml_flags = SLAP_MOD_INTERNAL;
	ml->sml_desc = ad;
	ml->sml_type = ad->ad_cname;
	if (val == NULL)
		return ml;
	ber_str2bv(val, 0, 0, &bv);
	ml->sml_numvals = 1;
	ml->sml_values = ch_calloc(2, sizeof(struct berval));
	ber_dupbv(&ml->sml_values[0], &bv);
	if (ad->ad_type->sat_equality != NULL &&
	    ad->ad_type->sat_equality->smr_normalize != NULL) {
		ml->sml_nvalues = ch_calloc(2, sizeof(struct berval));
		if (attr_normalize_one(ad, &bv, &ml->sml_nvalues[0], NULL) !=
		    LDAP_SUCCESS) {
			slap_mods_free(ml, 1);
			return NULL;
		}
	}
	return ml;
}

/* Append a new modification to *tail; 0 or -1. */
static int
dramwell_inv_mod_add(
    Modifications ***tail, AttributeDescription *ad, int mop, const char *val)
{
	Modifications *ml = dramwell_inv_mod(ad, mop, val);

	if (ml == NULL)
		return -1;
	**tail = ml;
	*tail = &ml->sml_next;
	return 0;
}

/* --- the write hooks (called from dramwell_write.c) ------------------ */

const char *
dramwell_invite_action(
    Operation *op, slap_overinst *on, struct dramwell_info *di)
{
	Modifications *ml;

	switch (op->o_tag) {
	case LDAP_REQ_ADD:
		if (dramwell_inv_below_admins(di, &op->o_req_ndn) &&
		    dramwell_inv_status_invited(attr_find(op->ora_e->e_attrs,
			dramwell_schema.ad_dwAccountStatus)))
			return "invite";
		break;
	case LDAP_REQ_MODIFY:
		for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next)
			if (dramwell_inv_is_token(ml->sml_desc))
				return "resend-invite";
		break;
	case LDAP_REQ_DELETE:
		if (dramwell_inv_stored_invited(op, on, di))
			return "revoke-invite";
		break;
	}
	return NULL;
}

/*
 * An invited add must be uid=<e-mail, already normalised>,<admin base>:
 * one name for one address.
 */
static int
dramwell_inv_dn_ok(Operation *op, struct dramwell_info *di, Entry *e)
{
	char email[DW_EMAIL_MAX + 1];
	struct berval parent, rdn = BER_BVNULL;
	LDAPRDN lrdn = NULL;
	char *p = NULL;
	AttributeDescription *ad = NULL;
	const char *text;
	int ok = 0;

	dnParent(&e->e_nname, &parent);
	if (!dn_match(&parent, &di->di_admin_nbase))
		return 0;
	if (dnExtractRdn(&e->e_name, &rdn, op->o_tmpmemctx) != LDAP_SUCCESS)
		return 0;
	if (ldap_bv2rdn_x(&rdn, &lrdn, &p, LDAP_DN_FORMAT_LDAP,
		op->o_tmpmemctx) != LDAP_SUCCESS)
		goto out;
	if (lrdn[0] == NULL || lrdn[1] != NULL ||
	    slap_bv2ad(&lrdn[0]->la_attr, &ad, &text) != LDAP_SUCCESS ||
	    ad != dramwell_inv.uid)
		goto out;
	if (dw_email_normalize(lrdn[0]->la_value.bv_val,
		lrdn[0]->la_value.bv_len, email, sizeof(email)) != DW_OK ||
	    strlen(email) != lrdn[0]->la_value.bv_len ||
	    memcmp(email, lrdn[0]->la_value.bv_val, lrdn[0]->la_value.bv_len) !=
		0)
		goto out;
	ok = 1;
out:
	if (lrdn != NULL)
		ldap_rdnfree_x(lrdn, op->o_tmpmemctx);
	op->o_tmpfree(rdn.bv_val, op->o_tmpmemctx);
	return ok;
}

int
dramwell_invite_add(Operation *op, slap_overinst *on, struct dramwell_info *di,
    const char **text)
{
	Entry *e = op->ora_e;
	char hex[DW_INVITE_HASH_HEX_LEN + 1], gt[DW_GENTIME_MAX];
	struct berval bv;
	Attribute *a, *tok = NULL;
	int rc;

	for (a = e->e_attrs; a != NULL; a = a->a_next) {
		if (dramwell_inv_server_attr(a->a_desc)) {
			*text = DRAMWELL_INV_SERVER_TEXT;
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (dramwell_inv_is_token(a->a_desc))
			tok = a;
	}
	if (!dramwell_inv_below_admins(di, &op->o_req_ndn) ||
	    !dramwell_inv_status_invited(
		attr_find(e->e_attrs, dramwell_schema.ad_dwAccountStatus))) {
		if (tok == NULL)
			return LDAP_SUCCESS;
		*text = "dwInviteToken belongs only on the add of an invited "
			"admin (dwAccountStatus: invited) or on a resend";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (tok == NULL) {
		if (be_isroot(op))
			return LDAP_SUCCESS; /* local maintenance */
		*text = "an invited admin is added with an invitation token "
			"(dwInviteToken)";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (!dramwell_inv_dn_ok(op, di, e)) {
		*text = "an invitation's DN must be uid=<e-mail address in "
			"lower case> directly below the admin base";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (attr_find(e->e_attrs, slap_schema.si_ad_userPassword) != NULL) {
		*text = "an invitation carries no password: the invitee sets "
			"it when accepting";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (BER_BVISEMPTY(&op->o_ndn)) {
		*text = "an invitation needs an authenticated inviter";
		return LDAP_INSUFFICIENT_ACCESS;
	}
	if (tok->a_numvals != 1) {
		*text = DRAMWELL_INV_TOKEN_TEXT;
		return LDAP_CONSTRAINT_VIOLATION;
	}
	rc = dramwell_inv_stamp(op, di, &tok->a_vals[0], hex, sizeof(hex),
	    gt, sizeof(gt), text);
	if (rc != LDAP_SUCCESS)
		return rc;

	/* The token goes; what the directory keeps comes instead. */
	dramwell_inv_wipe(tok->a_vals, tok->a_nvals);
	attr_delete(&e->e_attrs, dramwell_inv.token);
	rc = LDAP_OTHER;
	*text = "cannot stamp the invitation";
	ber_str2bv(hex, DW_INVITE_HASH_HEX_LEN, 0, &bv);
	if (attr_merge_normalize_one(e, dramwell_inv.hash, &bv, NULL) != 0)
		goto out;
	ber_str2bv(gt, 0, 0, &bv);
	if (attr_merge_normalize_one(e, dramwell_inv.expires, &bv, NULL) != 0)
		goto out;
	if (attr_merge_normalize_one(e, dramwell_inv.by, &op->o_dn, NULL) != 0)
		goto out;
	*text = NULL;
	rc = LDAP_SUCCESS;
out:
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

int
dramwell_invite_modify(Operation *op, slap_overinst *on,
    struct dramwell_info *di, const char **text)
{
	char hex[DW_INVITE_HASH_HEX_LEN + 1], gt[DW_GENTIME_MAX];
	Modifications *ml, *tok = NULL, *mods = NULL, **tail = &mods;
	int rc, ntok = 0;

	for (ml = op->orm_modlist; ml != NULL; ml = ml->sml_next) {
		if (dramwell_inv_server_attr(ml->sml_desc)) {
			*text = DRAMWELL_INV_SERVER_TEXT;
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (dramwell_inv_is_token(ml->sml_desc)) {
			tok = ml;
			ntok++;
		}
	}
	if (tok == NULL)
		return LDAP_SUCCESS;
	if (ntok != 1 || op->orm_modlist != tok || tok->sml_next != NULL ||
	    (tok->sml_op & LDAP_MOD_OP) != LDAP_MOD_REPLACE ||
	    tok->sml_values == NULL || BER_BVISNULL(&tok->sml_values[0]) ||
	    !BER_BVISNULL(&tok->sml_values[1])) {
		*text = "a resend is one change: replace: dwInviteToken with "
			"one new token";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (!dramwell_inv_stored_invited(op, on, di)) {
		*text = DRAMWELL_INV_PENDING_TEXT;
		return LDAP_UNWILLING_TO_PERFORM;
	}
	rc = dramwell_inv_stamp(op, di, &tok->sml_values[0], hex,
	    sizeof(hex), gt, sizeof(gt), text);
	if (rc != LDAP_SUCCESS)
		return rc;
	/*
	 * New hash and expiry; "delete dwAccountStatus: invited" then "add"
	 * it back makes the write fail (noSuchAttribute) if an accept or a
	 * status change got in first, so a resend cannot revive an account.
	 */
	rc = LDAP_OTHER;
	*text = "cannot stamp the invitation";
	if (dramwell_inv_mod_add(
		&tail, dramwell_inv.hash, LDAP_MOD_REPLACE, hex) != 0 ||
	    dramwell_inv_mod_add(
		&tail, dramwell_inv.expires, LDAP_MOD_REPLACE, gt) != 0 ||
	    dramwell_inv_mod_add(&tail, dramwell_schema.ad_dwAccountStatus,
		LDAP_MOD_DELETE, "invited") != 0 ||
	    dramwell_inv_mod_add(&tail, dramwell_schema.ad_dwAccountStatus,
		LDAP_MOD_ADD, "invited") != 0) {
		slap_mods_free(mods, 1);
		goto out;
	}
	dramwell_inv_wipe(tok->sml_values, tok->sml_nvalues);
	slap_mods_free(tok, 1);
	op->orm_modlist = mods;
	*text = NULL;
	rc = LDAP_SUCCESS;
out:
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

/* --- the accept extended operation ----------------------------------- */

int
dramwell_accept_decode(
    const struct berval *in, struct berval *token, struct berval *pw)
{
	struct berval v[2];
	int rc;

	rc = dramwell_exop_strings(in, v, 2);
	if (rc == LDAP_SUCCESS) {
		*token = v[0];
		*pw = v[1];
	}
	return rc;
}

/* What the lookup of a token hash found (o_tmpmemctx copies). */
struct dramwell_accept_hit {
	int ah_count;
	struct berval ah_dn, ah_ndn;
	struct berval ah_email; /* for the e-mail rule */
	char ah_hash[DW_INVITE_HASH_HEX_LEN + 1]; /* stored value, if 64 */
	int ah_hash_ok;
	time_t ah_expires;
	int ah_expires_ok;
	int ah_invited;
};

static int
dramwell_accept_search_cb(Operation *op, SlapReply *rs)
{
	struct dramwell_accept_hit *hit = op->o_callback->sc_private;
	Entry *e = rs->sr_entry;
	Attribute *a;

	if (rs->sr_type != REP_SEARCH || e == NULL)
		return SLAP_CB_CONTINUE;
	if (hit->ah_count++ > 0)
		return 0;
	ber_dupbv_x(&hit->ah_dn, &e->e_name, op->o_tmpmemctx);
	ber_dupbv_x(&hit->ah_ndn, &e->e_nname, op->o_tmpmemctx);
	dramwell_entry_email(e, &hit->ah_email);
	if (!BER_BVISNULL(&hit->ah_email))
		ber_dupbv_x(&hit->ah_email, &hit->ah_email, op->o_tmpmemctx);
	a = attr_find(e->e_attrs, dramwell_inv.hash);
	if (a != NULL && a->a_numvals == 1 &&
	    a->a_vals[0].bv_len == DW_INVITE_HASH_HEX_LEN) {
		memcpy(
		    hit->ah_hash, a->a_vals[0].bv_val, DW_INVITE_HASH_HEX_LEN);
		hit->ah_hash[DW_INVITE_HASH_HEX_LEN] = '\0';
		hit->ah_hash_ok = 1;
	}
	a = attr_find(e->e_attrs, dramwell_inv.expires);
	if (a != NULL && a->a_numvals == 1 &&
	    dw_gentime_parse(a->a_vals[0].bv_val, a->a_vals[0].bv_len,
		&hit->ah_expires) == DW_OK)
		hit->ah_expires_ok = 1;
	hit->ah_invited = dramwell_inv_status_invited(
	    attr_find(e->e_attrs, dramwell_schema.ad_dwAccountStatus));
	return 0;
}

/* An internal operation of the overlay's own on be, as its rootdn. */
static void
dramwell_accept_op(Operation *op, Operation *op2, BackendDB *be,
    slap_callback *own, ber_tag_t tag)
{
	*op2 = *op;
	memset(&op2->o_request, 0, sizeof(op2->o_request));
	memset(op2->o_ctrlflag, 0, sizeof(op2->o_ctrlflag));
	op2->o_ctrls = NULL;
	op2->o_tag = tag;
	op2->o_bd = be;
	op2->o_dn = be->be_rootdn;
	op2->o_ndn = be->be_rootndn;
	op2->o_dont_replicate = 0;
	dramwell_own_callback(own);
	op2->o_callback = own;
}

/* Find the entries whose dwInviteTokenHash is hex below the admin base. */
static int
dramwell_accept_find(Operation *op, struct dramwell_info *di, const char *hex,
    struct dramwell_accept_hit *hit)
{
	static const char pre[] = "(dwInviteTokenHash=";
	char fstr[sizeof(pre) + DW_INVITE_HASH_HEX_LEN + 1];
	Operation op2;
	SlapReply rs2 = {REP_RESULT};
	slap_callback own, cb = {0};
	BackendDB *be;
	int n;

	be = select_backend(&di->di_admin_nbase, 0);
	if (be == NULL || be->be_search == NULL)
		return LDAP_UNAVAILABLE;
	n = snprintf(fstr, sizeof(fstr), "%s%s)", pre, hex);
	if (n < 0 || (size_t)n >= sizeof(fstr))
		return LDAP_OTHER;
	dramwell_accept_op(op, &op2, be, &own, LDAP_REQ_SEARCH);
	cb.sc_response = dramwell_accept_search_cb;
	cb.sc_private = hit;
	cb.sc_next = &own;
	op2.o_callback = &cb;
	op2.o_req_dn = di->di_admin_base;
	op2.o_req_ndn = di->di_admin_nbase;
	op2.ors_scope = LDAP_SCOPE_SUBTREE;
	op2.ors_deref = LDAP_DEREF_NEVER;
	op2.ors_limit = NULL;
	op2.ors_slimit = SLAP_NO_LIMIT;
	op2.ors_tlimit = SLAP_NO_LIMIT;
	op2.ors_attrsonly = 0;
	op2.ors_attrs = slap_anlist_all_attributes;
	ber_str2bv(fstr, n, 0, &op2.ors_filterstr);
	op2.ors_filter = str2filter_x(&op2, fstr);
	if (op2.ors_filter == NULL)
		return LDAP_OTHER;
	rs2.sr_err = LDAP_OTHER;
	(void)be->be_search(&op2, &rs2);
	filter_free_x(&op2, op2.ors_filter, 1);
	sodium_memzero(fstr, sizeof(fstr));
	return rs2.sr_err;
}

/*
 * The one write of an accept, conditional on the stored hash and the
 * invited status.  Returns the backend's result (noSuchAttribute: the
 * token was used, or resent, in the meantime).
 */
static int
dramwell_accept_modify(Operation *op, struct dramwell_accept_hit *hit,
    const char *pwhash, time_t now)
{
	char gt[DW_GENTIME_MAX];
	Operation op2;
	SlapReply rs2 = {REP_RESULT};
	slap_callback own;
	Modifications *mods = NULL, **tail = &mods;
	BackendDB *be;
	int rc = LDAP_OTHER;

	be = select_backend(&hit->ah_ndn, 0);
	if (be == NULL || be->be_modify == NULL)
		return LDAP_UNAVAILABLE;
	if (dw_gentime_format(now, -1, gt, sizeof(gt)) != DW_OK)
		return LDAP_OTHER;
	if (dramwell_inv_mod_add(
		&tail, dramwell_inv.hash, LDAP_MOD_DELETE, hit->ah_hash) != 0 ||
	    dramwell_inv_mod_add(
		&tail, dramwell_inv.expires, LDAP_MOD_DELETE, NULL) != 0 ||
	    dramwell_inv_mod_add(&tail, dramwell_schema.ad_dwAccountStatus,
		LDAP_MOD_DELETE, "invited") != 0 ||
	    dramwell_inv_mod_add(&tail, dramwell_schema.ad_dwAccountStatus,
		LDAP_MOD_ADD, "active") != 0 ||
	    dramwell_inv_mod_add(&tail, slap_schema.si_ad_userPassword,
		LDAP_MOD_REPLACE, pwhash) != 0 ||
	    dramwell_inv_mod_add(&tail,
		dramwell_schema.ad_dwPasswordChangedTime, LDAP_MOD_REPLACE,
		gt) != 0)
		goto out;
	dramwell_accept_op(op, &op2, be, &own, LDAP_REQ_MODIFY);
	op2.o_req_dn = hit->ah_dn;
	op2.o_req_ndn = hit->ah_ndn;
	op2.orm_modlist = mods;
	op2.orm_no_opattrs = 0;
	op2.orm_increment = 0;
	rs2.sr_err = LDAP_OTHER;
	(void)be->be_modify(&op2, &rs2);
	rc = rs2.sr_err;
	mods = op2.orm_modlist; /* the backend appends the operational ones */
out:
	slap_mods_free(mods, 1);
	return rc;
}

/* The new password against the policy (read now).  LDAP code, *text. */
static int
dramwell_accept_quality(Operation *op, struct dramwell_info *di,
    struct dramwell_accept_hit *hit, const struct berval *pw,
    const char **text)
{
	struct dw_policy pol;

	if (dramwell_policy_read(op, di, &pol, text) != LDAP_SUCCESS) {
		*text = "the security policy is missing or malformed";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	/* An invitee has no password yet: nothing to compare for reuse. */
	return dramwell_password_check(op, &pol, &hit->ah_email, NULL, pw, text);
}

int
dramwell_accept(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di)
{
	char hex[DW_INVITE_HASH_HEX_LEN + 1], pwhash[DW_PASSWD_HASH_MAX];
	struct dramwell_accept_hit hit;
	struct dramwell_event ev;
	struct berval tok = BER_BVNULL, pw = BER_BVNULL;
	const char *text = DRAMWELL_INV_GENERIC, *reason = "unknown token";
	const char *extra = NULL;
	time_t now;
	int rc = LDAP_INVALID_CREDENTIALS, r;

	memset(&hit, 0, sizeof(hit));
	memset(&ev, 0, sizeof(ev));
	ev.ev_category = DW_AUDIT_CAT_AUTH;
	ev.ev_action = "accept-invite";
	ev.ev_actor = op->o_dn;

	if (SLAP_SINGLE_SHADOW(op->o_bd)) {
		rc = LDAP_UNWILLING_TO_PERFORM;
		text = "this server is a read-only replica: accept the "
		       "invitation on a provider";
		reason = "read-only replica";
		goto out;
	}
	if (dramwell_accept_decode(op->ore_reqdata, &tok, &pw) !=
	    LDAP_SUCCESS) {
		rc = LDAP_PROTOCOL_ERROR;
		text = "malformed dwAcceptInvite request: SEQUENCE { token "
		       "OCTET STRING, newPassword OCTET STRING }";
		reason = "malformed request";
		goto out;
	}
	if (dw_invite_token_check(tok.bv_val, tok.bv_len) != DW_OK)
		goto out; /* unknown token */
	if (dw_invite_token_hash_hex(
		tok.bv_val, tok.bv_len, hex, sizeof(hex)) != DW_OK) {
		rc = LDAP_OTHER;
		text = "cannot check the invitation";
		reason = "hashing failed";
		goto out;
	}
	r = dramwell_accept_find(op, di, hex, &hit);
	if (r != LDAP_SUCCESS && r != LDAP_NO_SUCH_OBJECT) {
		rc = LDAP_OTHER;
		text = "cannot look the invitation up";
		reason = "lookup failed";
		goto out;
	}
	if (hit.ah_count != 1 || !hit.ah_hash_ok ||
	    sodium_memcmp(hit.ah_hash, hex, DW_INVITE_HASH_HEX_LEN) != 0)
		goto out; /* unknown token */
	/* The token names this invitee. */
	ev.ev_target = hit.ah_dn;
	if (BER_BVISEMPTY(&ev.ev_actor))
		ev.ev_actor = hit.ah_dn;
	if (!hit.ah_invited) {
		reason = DRAMWELL_INV_PENDING_TEXT;
		goto out;
	}
	now = slap_get_time();
	if (!hit.ah_expires_ok ||
	    dw_invite_usable(hit.ah_expires, now) != DW_ALLOW) {
		reason = "expired";
		goto out;
	}
	rc = dramwell_accept_quality(op, di, &hit, &pw, &text);
	if (rc != LDAP_SUCCESS) {
		reason = rc == LDAP_CONSTRAINT_VIOLATION ? "weak password"
							 : "policy unavailable";
		extra = text; /* the rule, never the password */
		goto out;
	}
	if (dw_passwd_hash(pw.bv_val, pw.bv_len, &di->di_argon2, pwhash,
		sizeof(pwhash)) != DW_OK) {
		rc = LDAP_OTHER;
		text = "password hashing failed";
		reason = "hashing failed";
		goto out;
	}
	r = dramwell_accept_modify(op, &hit, pwhash, now);
	if (r == LDAP_SUCCESS) {
		rc = LDAP_SUCCESS;
		text = NULL;
		reason = "account active";
	} else if (r == LDAP_NO_SUCH_ATTRIBUTE) {
		/* Another accept (or a resend) was first. */
		rc = LDAP_INVALID_CREDENTIALS;
		text = DRAMWELL_INV_GENERIC;
		reason = "unknown token";
		extra = "token used or replaced concurrently";
	} else {
		rc = LDAP_OTHER;
		text = "cannot accept the invitation";
		reason = "write failed";
	}
out:
	ev.ev_result = rc;
	dramwell_event_detail(&ev, reason);
	dramwell_event_detail(&ev, extra);
	if (dramwell_audit_write(op, di, &ev) != LDAP_SUCCESS) {
		text = rc == LDAP_SUCCESS ? DRAMWELL_INV_APPLIED_TEXT
					  : DRAMWELL_AUDIT_FAIL_TEXT;
		rc = LDAP_OTHER;
	}
	Debug(LDAP_DEBUG_STATS,
	    "%s dramwell: accept-invite dn=\"%s\" err=%d %s\n",
	    op->o_log_prefix, hit.ah_dn.bv_val ? hit.ah_dn.bv_val : "", rc,
	    reason);
	/* The request's copy of the secrets (in the operation's buffer;
	 * nothing reads it after this), parsed or not. */
	if (op->ore_reqdata != NULL && op->ore_reqdata->bv_val != NULL)
		sodium_memzero(
		    op->ore_reqdata->bv_val, op->ore_reqdata->bv_len);
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(pwhash, sizeof(pwhash));
	sodium_memzero(hit.ah_hash, sizeof(hit.ah_hash));
	if (hit.ah_dn.bv_val != NULL)
		op->o_tmpfree(hit.ah_dn.bv_val, op->o_tmpmemctx);
	if (hit.ah_ndn.bv_val != NULL)
		op->o_tmpfree(hit.ah_ndn.bv_val, op->o_tmpmemctx);
	if (hit.ah_email.bv_val != NULL)
		op->o_tmpfree(hit.ah_email.bv_val, op->o_tmpmemctx);
	rs->sr_err = rc;
	rs->sr_text = text;
	return rc;
}
