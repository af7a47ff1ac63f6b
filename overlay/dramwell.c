/*
 * dramwell.c: the dramwell slapd overlay: registration, the slapd.conf /
 * cn=config table, per-database state.
 *
 * Settings (slapd.conf keyword / cn=config attribute):
 *   dramwell-admin-base DN      olcDramwellAdminBase
 *   dramwell-role-base DN       olcDramwellRoleBase
 *   dramwell-policy-dn DN       olcDramwellPolicyDN
 *   dramwell-session-base DN    olcDramwellSessionBase
 *   dramwell-audit-base DN      olcDramwellAuditBase
 *   dramwell-argon2-memory KiB  olcDramwellArgon2Memory
 *   dramwell-argon2-iterations  olcDramwellArgon2Iterations
 *   dramwell-mfa-keyfile PATH   olcDramwellMfaKeyfile
 *   dramwell-trusted-proxy CIDR...  olcDramwellTrustedProxy (multi-valued)
 * Every DN is required; the argon2 parameters default to OWASP's minimum
 * and may not go below it.  The MFA key file is loaded at db_open (and
 * when set through cn=config): a configured file that cannot be used
 * stops the database from opening.  Without one, MFA users cannot log in
 * and nobody can enroll (fail closed).  Trusted proxies are CIDR ranges
 * (dw_cidr_parse: strict, no host bits), none by default.
 */
#include "dramwell.h"

#include "ldap_rq.h"

struct dramwell_schema dramwell_schema;

static slap_overinst dramwell;

enum {
	DW_CF_ADMIN_BASE = 1,
	DW_CF_ROLE_BASE,
	DW_CF_POLICY_DN,
	DW_CF_SESSION_BASE,
	DW_CF_AUDIT_BASE,
	DW_CF_ARGON2_MEMORY,
	DW_CF_ARGON2_ITERATIONS,
	DW_CF_MFA_KEYFILE,
	DW_CF_TRUSTED_PROXY,
	DW_CF_AUDIT_APPENDER,
	DW_CF_PURGE_INTERVAL,
};

/* Bounds of dramwell-audit-purge-interval (seconds). */
#define DRAMWELL_PURGE_INTERVAL_MIN 1
#define DRAMWELL_PURGE_INTERVAL_MAX 86400

/* At most this many trusted proxy ranges. */
#define DRAMWELL_TRUSTED_MAX 256

static ConfigDriver dramwell_cf_gen;

/* clang-format off */
#define DW_OID		"2.25.145692219182018795104315938007758473821"
#define DW_CF_AT(n)	"( " DW_OID ".4." #n " "
#define DW_CF_DN_SYNTAX \
	"EQUALITY distinguishedNameMatch SYNTAX OMsDN SINGLE-VALUE )"
#define DW_CF_INT_SYNTAX \
	"EQUALITY integerMatch SYNTAX OMsInteger SINGLE-VALUE )"

static ConfigTable dramwell_cfg[] = {
	{ "dramwell-admin-base", "dn", 2, 2, 0,
	  ARG_DN|ARG_QUOTE|ARG_MAGIC|DW_CF_ADMIN_BASE, dramwell_cf_gen,
	  DW_CF_AT(1) "NAME 'olcDramwellAdminBase' "
	  "DESC 'Base of the admin user entries' " DW_CF_DN_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ "dramwell-role-base", "dn", 2, 2, 0,
	  ARG_DN|ARG_QUOTE|ARG_MAGIC|DW_CF_ROLE_BASE, dramwell_cf_gen,
	  DW_CF_AT(2) "NAME 'olcDramwellRoleBase' "
	  "DESC 'Base of the role entries' " DW_CF_DN_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ "dramwell-policy-dn", "dn", 2, 2, 0,
	  ARG_DN|ARG_QUOTE|ARG_MAGIC|DW_CF_POLICY_DN, dramwell_cf_gen,
	  DW_CF_AT(3) "NAME 'olcDramwellPolicyDN' "
	  "DESC 'The security policy entry' " DW_CF_DN_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ "dramwell-session-base", "dn", 2, 2, 0,
	  ARG_DN|ARG_QUOTE|ARG_MAGIC|DW_CF_SESSION_BASE, dramwell_cf_gen,
	  DW_CF_AT(4) "NAME 'olcDramwellSessionBase' "
	  "DESC 'Base of the portal session entries' " DW_CF_DN_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ "dramwell-audit-base", "dn", 2, 2, 0,
	  ARG_DN|ARG_QUOTE|ARG_MAGIC|DW_CF_AUDIT_BASE, dramwell_cf_gen,
	  DW_CF_AT(5) "NAME 'olcDramwellAuditBase' "
	  "DESC 'Base of the append-only audit subtree' " DW_CF_DN_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ "dramwell-argon2-memory", "kib", 2, 2, 0,
	  ARG_UINT|ARG_MAGIC|DW_CF_ARGON2_MEMORY, dramwell_cf_gen,
	  DW_CF_AT(6) "NAME 'olcDramwellArgon2Memory' "
	  "DESC 'argon2id memory cost in KiB for stored passwords' "
	  DW_CF_INT_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ "dramwell-argon2-iterations", "count", 2, 2, 0,
	  ARG_UINT|ARG_MAGIC|DW_CF_ARGON2_ITERATIONS, dramwell_cf_gen,
	  DW_CF_AT(7) "NAME 'olcDramwellArgon2Iterations' "
	  "DESC 'argon2id iterations for stored passwords' "
	  DW_CF_INT_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ "dramwell-mfa-keyfile", "path", 2, 2, 0,
	  ARG_STRING|ARG_MAGIC|DW_CF_MFA_KEYFILE, dramwell_cf_gen,
	  DW_CF_AT(8) "NAME 'olcDramwellMfaKeyfile' "
	  "DESC 'File holding the key that seals the stored TOTP secrets' "
	  "EQUALITY caseExactMatch SYNTAX OMsDirectoryString SINGLE-VALUE )",
	  NULL, { .v_int = 0 } },
	{ "dramwell-trusted-proxy", "cidr", 2, 0, 0,
	  ARG_MAGIC|DW_CF_TRUSTED_PROXY, dramwell_cf_gen,
	  DW_CF_AT(9) "NAME 'olcDramwellTrustedProxy' "
	  "DESC 'Portal hosts (CIDR) whose Session Tracking control names "
	  "the end user address' "
	  "EQUALITY caseIgnoreMatch SYNTAX OMsDirectoryString )",
	  NULL, { .v_int = 0 } },
	{ "dramwell-audit-appender", "dn", 2, 2, 0,
	  ARG_DN|ARG_QUOTE|ARG_MAGIC|DW_CF_AUDIT_APPENDER, dramwell_cf_gen,
	  DW_CF_AT(10) "NAME 'olcDramwellAuditAppender' "
	  "DESC 'An identity that may append events to the audit log' "
	  "EQUALITY distinguishedNameMatch SYNTAX OMsDN )",
	  NULL, { .v_int = 0 } },
	{ "dramwell-audit-purge-interval", "seconds", 2, 2, 0,
	  ARG_UINT|ARG_MAGIC|DW_CF_PURGE_INTERVAL, dramwell_cf_gen,
	  DW_CF_AT(11) "NAME 'olcDramwellAuditPurgeInterval' "
	  "DESC 'Seconds between two runs of the audit retention purge' "
	  DW_CF_INT_SYNTAX,
	  NULL, { .v_int = 0 } },
	{ NULL, NULL, 0, 0, 0, ARG_IGNORED, NULL, NULL, NULL, { .v_int = 0 } }
};

static ConfigOCs dramwell_ocs[] = {
	{ .co_def = "( " DW_OID ".5.1 "
	  "NAME 'olcDramwellConfig' "
	  "DESC 'DramWell overlay configuration' "
	  "SUP olcOverlayConfig "
	  "MAY ( olcDramwellAdminBase $ olcDramwellRoleBase $ "
	  "olcDramwellPolicyDN $ olcDramwellSessionBase $ "
	  "olcDramwellAuditBase $ olcDramwellArgon2Memory $ "
	  "olcDramwellArgon2Iterations $ olcDramwellMfaKeyfile $ "
	  "olcDramwellTrustedProxy $ olcDramwellAuditAppender $ "
	  "olcDramwellAuditPurgeInterval ) )",
	  .co_type = Cft_Overlay, .co_table = dramwell_cfg },
	{ .co_def = NULL }
};
/* clang-format on */

/* The (dn, ndn) pair a DN setting lives in. */
static struct berval *
dramwell_cf_dn(struct dramwell_info *di, int type, struct berval **ndn)
{
	switch (type) {
	case DW_CF_ADMIN_BASE:
		*ndn = &di->di_admin_nbase;
		return &di->di_admin_base;
	case DW_CF_ROLE_BASE:
		*ndn = &di->di_role_nbase;
		return &di->di_role_base;
	case DW_CF_POLICY_DN:
		*ndn = &di->di_policy_ndn;
		return &di->di_policy_dn;
	case DW_CF_SESSION_BASE:
		*ndn = &di->di_session_nbase;
		return &di->di_session_base;
	case DW_CF_AUDIT_BASE:
		*ndn = &di->di_audit_nbase;
		return &di->di_audit_base;
	}
	*ndn = NULL;
	return NULL;
}

static void
dramwell_bv_free(struct berval *bv)
{
	ch_free(bv->bv_val);
	BER_BVZERO(bv);
}

/* dramwell-mfa-keyfile: emit, delete, set (loaded at once when the
 * database is already open: a cn=config change). */
static int
dramwell_cf_keyfile(ConfigArgs *c, struct dramwell_info *di)
{
	char msg[SLAP_TEXT_BUFLEN];
	char *old;

	switch (c->op) {
	case SLAP_CONFIG_EMIT:
		if (di->di_mfa_keyfile == NULL)
			return 1;
		c->value_string = ch_strdup(di->di_mfa_keyfile);
		return 0;
	case LDAP_MOD_DELETE:
		ch_free(di->di_mfa_keyfile);
		di->di_mfa_keyfile = NULL;
		(void)dramwell_login_key_load(di, c->cr_msg, sizeof(c->cr_msg));
		return 0;
	}
	if (c->value_string == NULL || c->value_string[0] != '/') {
		snprintf(c->cr_msg, sizeof(c->cr_msg),
		    "<%s> needs an absolute path", c->argv[0]);
		Debug(LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg);
		ch_free(c->value_string);
		c->value_string = NULL;
		return ARG_BAD_CONF;
	}
	old = di->di_mfa_keyfile;
	di->di_mfa_keyfile = c->value_string;
	c->value_string = NULL;
	if (CONFIG_ONLINE_ADD(c) &&
	    dramwell_login_key_load(di, c->cr_msg, sizeof(c->cr_msg)) != 0) {
		Debug(LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg);
		ch_free(di->di_mfa_keyfile);
		di->di_mfa_keyfile = old;
		(void)dramwell_login_key_load(di, msg, sizeof(msg));
		return ARG_BAD_CONF;
	}
	ch_free(old);
	return 0;
}

/* dramwell-trusted-proxy: every argument a range, all or nothing. */
static int
dramwell_cf_trusted(ConfigArgs *c, struct dramwell_info *di)
{
	char buf[DW_CIDR_TEXT_MAX];
	struct dw_cidr *n;
	struct berval bv;
	size_t i;
	int k, err;

	switch (c->op) {
	case SLAP_CONFIG_EMIT:
		for (i = 0; i < di->di_ntrusted; i++) {
			if (dw_cidr_format(&di->di_trusted[i], buf,
				sizeof(buf)) != DW_OK)
				return 1;
			ber_str2bv(buf, 0, 0, &bv);
			value_add_one(&c->rvalue_vals, &bv);
		}
		return di->di_ntrusted == 0;
	case LDAP_MOD_DELETE:
		if (c->valx < 0) {
			ch_free(di->di_trusted);
			di->di_trusted = NULL;
			di->di_ntrusted = 0;
			return 0;
		}
		if ((size_t)c->valx >= di->di_ntrusted)
			return 1;
		for (i = (size_t)c->valx; i + 1 < di->di_ntrusted; i++)
			di->di_trusted[i] = di->di_trusted[i + 1];
		di->di_ntrusted--;
		return 0;
	}
	if (di->di_ntrusted + (size_t)(c->argc - 1) > DRAMWELL_TRUSTED_MAX) {
		snprintf(c->cr_msg, sizeof(c->cr_msg),
		    "<%s> at most %d ranges", c->argv[0],
		    DRAMWELL_TRUSTED_MAX);
		Debug(LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg);
		return ARG_BAD_CONF;
	}
	n = ch_malloc((di->di_ntrusted + (size_t)c->argc) * sizeof(*n));
	if (di->di_ntrusted > 0)
		memcpy(n, di->di_trusted, di->di_ntrusted * sizeof(*n));
	for (k = 1; k < c->argc; k++) {
		err = dw_cidr_parse(c->argv[k], strlen(c->argv[k]),
		    &n[di->di_ntrusted + k - 1]);
		if (err != DW_OK) {
			snprintf(c->cr_msg, sizeof(c->cr_msg),
			    "<%s> \"%s\" is not a CIDR range (%s): an IPv4 "
			    "or IPv6 address, optionally /prefix, no host "
			    "bits set",
			    c->argv[0], c->argv[k],
			    err == DW_ERR_RANGE ? "prefix too long"
						: "malformed");
			Debug(LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg);
			ch_free(n);
			return ARG_BAD_CONF;
		}
	}
	ch_free(di->di_trusted);
	di->di_trusted = n;
	di->di_ntrusted += (size_t)(c->argc - 1);
	return 0;
}

/* dramwell-audit-appender: one DN per line (value), any number. */
static int
dramwell_cf_appender(ConfigArgs *c, struct dramwell_info *di)
{
	int n;

	switch (c->op) {
	case SLAP_CONFIG_EMIT:
		if (di->di_appenders == NULL)
			return 1;
		value_add(&c->rvalue_vals, di->di_appenders);
		value_add(&c->rvalue_nvals, di->di_appenders);
		return 0;
	case LDAP_MOD_DELETE:
		if (c->valx < 0) {
			ber_bvarray_free(di->di_appenders);
			di->di_appenders = NULL;
			return 0;
		}
		for (n = 0; di->di_appenders != NULL &&
			    !BER_BVISNULL(&di->di_appenders[n]);
		     n++)
			;
		if (c->valx >= n)
			return 1;
		ch_free(di->di_appenders[c->valx].bv_val);
		for (; c->valx + 1 < n; c->valx++)
			di->di_appenders[c->valx] =
			    di->di_appenders[c->valx + 1];
		BER_BVZERO(&di->di_appenders[n - 1]);
		return 0;
	}
	value_add_one(&di->di_appenders, &c->value_ndn);
	ch_free(c->value_dn.bv_val);
	ch_free(c->value_ndn.bv_val);
	BER_BVZERO(&c->value_dn);
	BER_BVZERO(&c->value_ndn);
	return 0;
}

static int
dramwell_cf_gen(ConfigArgs *c)
{
	slap_overinst *on = (slap_overinst *)c->bi;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct berval *dn, *ndn = NULL;
	struct dw_argon2_params p;
	int rc = ARG_BAD_CONF;

	if (c->type == DW_CF_MFA_KEYFILE)
		return dramwell_cf_keyfile(c, di);
	if (c->type == DW_CF_TRUSTED_PROXY)
		return dramwell_cf_trusted(c, di);
	if (c->type == DW_CF_AUDIT_APPENDER)
		return dramwell_cf_appender(c, di);
	dn = dramwell_cf_dn(di, c->type, &ndn);

	switch (c->op) {
	case SLAP_CONFIG_EMIT:
		if (dn != NULL) {
			if (BER_BVISNULL(dn))
				return 1; /* not set: nothing to emit */
			value_add_one(&c->rvalue_vals, dn);
			value_add_one(&c->rvalue_nvals, ndn);
			return 0;
		}
		if (c->type == DW_CF_ARGON2_MEMORY)
			c->value_uint = di->di_argon2.m_cost_kib;
		else if (c->type == DW_CF_ARGON2_ITERATIONS)
			c->value_uint = di->di_argon2.t_cost;
		else if (c->type == DW_CF_PURGE_INTERVAL)
			c->value_uint = di->di_purge_interval;
		else
			return 1;
		return 0;

	case LDAP_MOD_DELETE:
		if (dn != NULL) {
			dramwell_bv_free(dn);
			dramwell_bv_free(ndn);
			return 0;
		}
		if (c->type == DW_CF_PURGE_INTERVAL) {
			di->di_purge_interval = DRAMWELL_PURGE_INTERVAL_DEFAULT;
			return 0;
		}
		dw_argon2_params_default(&p);
		if (c->type == DW_CF_ARGON2_MEMORY)
			di->di_argon2.m_cost_kib = p.m_cost_kib;
		else if (c->type == DW_CF_ARGON2_ITERATIONS)
			di->di_argon2.t_cost = p.t_cost;
		else
			return 1;
		return 0;
	}

	/* SLAP_CONFIG_ADD or a slapd.conf line. */
	if (dn != NULL) {
		dramwell_bv_free(dn);
		dramwell_bv_free(ndn);
		*dn = c->value_dn;
		*ndn = c->value_ndn;
		BER_BVZERO(&c->value_dn);
		BER_BVZERO(&c->value_ndn);
		return 0;
	}
	if (c->type == DW_CF_PURGE_INTERVAL) {
		if (c->value_uint < DRAMWELL_PURGE_INTERVAL_MIN ||
		    c->value_uint > DRAMWELL_PURGE_INTERVAL_MAX) {
			snprintf(c->cr_msg, sizeof(c->cr_msg),
			    "<%s> must be %u..%u seconds", c->argv[0],
			    DRAMWELL_PURGE_INTERVAL_MIN,
			    DRAMWELL_PURGE_INTERVAL_MAX);
			Debug(LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg);
			goto out;
		}
		di->di_purge_interval = c->value_uint;
		return 0;
	}
	p = di->di_argon2;
	if (c->type == DW_CF_ARGON2_MEMORY)
		p.m_cost_kib = c->value_uint;
	else if (c->type == DW_CF_ARGON2_ITERATIONS)
		p.t_cost = c->value_uint;
	else
		goto out;
	if (dw_argon2_params_check(&p) != 0) {
		if (c->type == DW_CF_ARGON2_MEMORY)
			snprintf(c->cr_msg, sizeof(c->cr_msg),
			    "<%s> must be %u..%u KiB", c->argv[0],
			    (unsigned)DW_ARGON2_MIN_M_KIB,
			    (unsigned)DW_ARGON2_MAX_M_KIB);
		else
			snprintf(c->cr_msg, sizeof(c->cr_msg),
			    "<%s> must be %u..%u", c->argv[0],
			    (unsigned)DW_ARGON2_MIN_T,
			    (unsigned)DW_ARGON2_MAX_T);
		Debug(LDAP_DEBUG_ANY, "%s: %s\n", c->log, c->cr_msg);
		goto out;
	}
	di->di_argon2 = p;
	rc = 0;
out:
	return rc;
}

/*
 * Is ndn at or below nbase?  An unset base contains nothing (so a missing
 * setting can never widen what a rule applies to).
 */
int
dramwell_dn_within(struct berval *ndn, struct berval *nbase)
{
	if (BER_BVISNULL(nbase) || BER_BVISEMPTY(nbase))
		return 0;
	return dnIsSuffix(ndn, nbase);
}

slap_overinst *
dramwell_instance_on(BackendDB *be)
{
	slap_overinst *on;

	if (be == NULL || !overlay_is_over(be))
		return NULL;
	on = ((slap_overinfo *)be->bd_info->bi_private)->oi_list;
	for (; on != NULL; on = on->on_next)
		if (strcmp(on->on_bi.bi_type, "dramwell") == 0 &&
		    !(on->on_bi.bi_flags & SLAPO_BFLAG_DISABLED))
			return on;
	return NULL;
}

struct re_s *
dramwell_task_insert(BackendDB *be, int interval,
    ldap_pvt_thread_start_t *fn, void *arg, const char *name)
{
	struct re_s *t;

	ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
	t = ldap_pvt_runqueue_insert(
	    &slapd_rq, interval, fn, arg, (char *)name, be->be_suffix[0].bv_val);
	ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
	return t;
}

void
dramwell_task_done(struct re_s *t, int interval)
{
	ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
	if (ldap_pvt_runqueue_isrunning(&slapd_rq, t))
		ldap_pvt_runqueue_stoptask(&slapd_rq, t);
	if (interval > 0)
		t->interval.tv_sec = interval;
	ldap_pvt_runqueue_resched(&slapd_rq, t, 0);
	ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
}

void
dramwell_task_remove(struct re_s *t)
{
	ldap_pvt_thread_mutex_lock(&slapd_rq.rq_mutex);
	if (ldap_pvt_runqueue_isrunning(&slapd_rq, t))
		ldap_pvt_runqueue_stoptask(&slapd_rq, t);
	ldap_pvt_runqueue_remove(&slapd_rq, t);
	ldap_pvt_thread_mutex_unlock(&slapd_rq.rq_mutex);
}

int
dramwell_run_below(
    Operation *op, SlapReply *rs, slap_operation_t which, slap_callback *cb)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	slap_callback **scp;
	int rc;

	cb->sc_next = op->o_callback;
	op->o_callback = cb;
	rc = overlay_op_walk(op, rs, which, on->on_info, on->on_next);
	op->o_bd->bd_info = (BackendInfo *)on;
	for (scp = &op->o_callback; *scp != NULL; scp = &(*scp)->sc_next) {
		if (*scp == cb) {
			*scp = cb->sc_next;
			break;
		}
	}
	return rc;
}

static int
dramwell_ad(const char *name, AttributeDescription **ad, const char **text)
{
	if (*ad != NULL)
		return 0;
	if (slap_str2ad(name, ad, text) != LDAP_SUCCESS) {
		*ad = NULL;
		return -1;
	}
	return 0;
}

/* Resolve the schema the overlay needs (dramwell.schema must be loaded). */
int
dramwell_schema_resolve(const char **text)
{
	struct dramwell_schema *s = &dramwell_schema;

	if (dramwell_ad("ou", &s->ad_ou, text) ||
	    dramwell_ad("dwAccountStatus", &s->ad_dwAccountStatus, text) ||
	    dramwell_ad(
		"dwPasswordChangedTime", &s->ad_dwPasswordChangedTime, text) ||
	    dramwell_ad("dwAuditId", &s->ad_dwAuditId, text) ||
	    dramwell_ad("dwAuditTime", &s->ad_dwAuditTime, text) ||
	    dramwell_ad("dwAuditCategory", &s->ad_dwAuditCategory, text) ||
	    dramwell_ad("dwAuditAction", &s->ad_dwAuditAction, text) ||
	    dramwell_ad("dwAuditActor", &s->ad_dwAuditActor, text) ||
	    dramwell_ad("dwAuditTarget", &s->ad_dwAuditTarget, text) ||
	    dramwell_ad("dwAuditResult", &s->ad_dwAuditResult, text) ||
	    dramwell_ad("dwAuditClient", &s->ad_dwAuditClient, text) ||
	    dramwell_ad("dwAuditDetail", &s->ad_dwAuditDetail, text) ||
	    dramwell_ad("dwAuditHash", &s->ad_dwAuditHash, text) ||
	    dramwell_ad("dwAuditPrevHash", &s->ad_dwAuditPrevHash, text) ||
	    dramwell_ad(
		"dwAuditOnBehalfOf", &s->ad_dwAuditOnBehalfOf, text) ||
	    dramwell_ad("dwAuditAnchor", &s->ad_dwAuditAnchor, text) ||
	    dramwell_ad(
		"dwAuditPurgeStatus", &s->ad_dwAuditPurgeStatus, text))
		return -1;
	if (s->oc_dwAdminUser == NULL)
		s->oc_dwAdminUser = oc_find("dwAdminUser");
	if (s->oc_dwAuditEvent == NULL)
		s->oc_dwAuditEvent = oc_find("dwAuditEvent");
	if (s->oc_dwAdminUser == NULL || s->oc_dwAuditEvent == NULL) {
		*text = "object class dwAdminUser or dwAuditEvent not defined";
		return -1;
	}
	return 0;
}

static int
dramwell_db_init(BackendDB *be, ConfigReply *cr)
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	struct dramwell_info *di;

	if (SLAP_ISGLOBALOVERLAY(be)) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell must be configured on a database");
		Debug(LDAP_DEBUG_ANY, "dramwell_db_init: %s\n", cr->msg);
		return 1;
	}
	di = ch_calloc(1, sizeof(*di));
	dw_argon2_params_default(&di->di_argon2);
	di->di_server_id = 0;
	di->di_purge_interval = DRAMWELL_PURGE_INTERVAL_DEFAULT;
	dramwell_authz_db_init(di);
	dramwell_login_db_init(di);
	on->on_bi.bi_private = di;
	return 0;
}

static int
dramwell_db_open(BackendDB *be, ConfigReply *cr)
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	const char *text = NULL;
	const char *missing = NULL;
	BackendDB *abe;

	if (BER_BVISNULL(&di->di_admin_nbase))
		missing = "dramwell-admin-base";
	else if (BER_BVISNULL(&di->di_role_nbase))
		missing = "dramwell-role-base";
	else if (BER_BVISNULL(&di->di_policy_ndn))
		missing = "dramwell-policy-dn";
	else if (BER_BVISNULL(&di->di_session_nbase))
		missing = "dramwell-session-base";
	else if (BER_BVISNULL(&di->di_audit_nbase))
		missing = "dramwell-audit-base";
	if (missing != NULL) {
		snprintf(cr->msg, sizeof(cr->msg), "dramwell: %s is not set",
		    missing);
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	/*
	 * The audit subtree must be its own database (its suffix), unless it
	 * is this one: an audit entry written into the database of a client
	 * write whose failure is being reported would wait for that write's
	 * own transaction.  No database holding it yet is allowed: audit
	 * writes then fail, and the overlay fails closed.
	 */
	abe = select_backend(&di->di_audit_nbase, 0);
	if (abe != NULL && abe == be->bd_self &&
	    !dn_match(&be->be_nsuffix[0], &di->di_audit_nbase)) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: the audit base "
		    "\"%s\" must be the suffix of its own database "
		    "(glued as a subordinate)",
		    di->di_audit_base.bv_val);
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	/* The audit ids and chains carry slapd's serverID (0 without one):
	 * three digits. */
	if (slap_serverID < 0 || slap_serverID > 999) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: serverID %d is out of range: the audit ids "
		    "hold 0..999",
		    slap_serverID);
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	di->di_server_id = (unsigned)slap_serverID;
	if (dw_argon2_params_check(&di->di_argon2) != 0) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: argon2 parameters out of range");
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	if (dramwell_schema_resolve(&text) != 0 ||
	    dramwell_invite_schema_resolve(&text) != 0) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: schema not loaded (include dramwell.schema): %s",
		    text ? text : "");
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	if (dramwell_login_db_open(di, cr) != 0) {
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	/* The idle-session purge runs on the database of the sessions. */
	if (select_backend(&di->di_session_nbase, 0) == be->bd_self &&
	    dramwell_session_start(be) != 0) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: cannot start the idle-session purge");
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	/* The retention purge runs on the audit database. */
	if (dn_match(&be->be_nsuffix[0], &di->di_audit_nbase) &&
	    dramwell_retention_start(be) != 0) {
		snprintf(cr->msg, sizeof(cr->msg),
		    "dramwell: cannot start the audit retention purge");
		Debug(LDAP_DEBUG_ANY, "dramwell_db_open: %s\n", cr->msg);
		return 1;
	}
	return 0;
}

static int
dramwell_db_close(BackendDB *be, ConfigReply *cr)
{
	dramwell_session_stop(be);
	dramwell_retention_stop(be);
	return 0;
}

static int
dramwell_db_destroy(BackendDB *be, ConfigReply *cr)
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;

	if (di == NULL)
		return 0;
	dramwell_bv_free(&di->di_admin_base);
	dramwell_bv_free(&di->di_admin_nbase);
	dramwell_bv_free(&di->di_role_base);
	dramwell_bv_free(&di->di_role_nbase);
	dramwell_bv_free(&di->di_policy_dn);
	dramwell_bv_free(&di->di_policy_ndn);
	dramwell_bv_free(&di->di_session_base);
	dramwell_bv_free(&di->di_session_nbase);
	dramwell_bv_free(&di->di_audit_base);
	dramwell_bv_free(&di->di_audit_nbase);
	ber_bvarray_free(di->di_appenders);
	dramwell_authz_db_destroy(di);
	dramwell_login_db_destroy(di);
	ch_free(di);
	on->on_bi.bi_private = NULL;
	return 0;
}

/* Reads and compares: refused on a connection restricted to changing an
 * expired password (dramwell_login.c). */
static int
dramwell_op_read(Operation *op, SlapReply *rs)
{
	const char *text = NULL;
	int rc;

	rc = dramwell_restricted(op, &text);
	if (rc == LDAP_SUCCESS)
		return SLAP_CB_CONTINUE;
	send_ldap_error(op, rs, rc, text);
	return rc;
}

static int
dramwell_initialize(void)
{
	int rc;

	dramwell.on_bi.bi_type = "dramwell";
	dramwell.on_bi.bi_flags = SLAPO_BFLAG_SINGLE;
	dramwell.on_bi.bi_db_init = dramwell_db_init;
	dramwell.on_bi.bi_db_open = dramwell_db_open;
	dramwell.on_bi.bi_db_close = dramwell_db_close;
	dramwell.on_bi.bi_db_destroy = dramwell_db_destroy;
	dramwell.on_bi.bi_op_bind = dramwell_op_bind;
	dramwell.on_bi.bi_op_add = dramwell_op_add;
	dramwell.on_bi.bi_op_modify = dramwell_op_modify;
	dramwell.on_bi.bi_op_delete = dramwell_op_delete;
	dramwell.on_bi.bi_op_modrdn = dramwell_op_modrdn;
	dramwell.on_bi.bi_extended = dramwell_op_extended;
	dramwell.on_bi.bi_op_search = dramwell_op_read;
	dramwell.on_bi.bi_op_compare = dramwell_op_read;
	dramwell.on_bi.bi_connection_destroy = dramwell_login_conn_destroy;
	dramwell.on_bi.bi_cf_ocs = dramwell_ocs;

	dramwell_audit_initialize();
	rc = config_register_schema(dramwell_cfg, dramwell_ocs);
	if (rc != 0)
		return rc;
	rc = dramwell_exop_register();
	if (rc != 0)
		return rc;
	return overlay_register(&dramwell);
}

__attribute__((visibility("default"))) int
init_module(int argc, char *argv[])
{
	return dramwell_initialize();
}
