/*
 * dramwell_exop.c: the overlay's extended operations (core/dw_exop.h).
 *
 *   dwAcceptInvite  dramwell_invite.c (dramwell_accept)
 *   dwMfaEnroll     dramwell_mfa.c (dramwell_mfa_enroll)
 *   dwMfaRecovery   dramwell_mfa.c (dramwell_mfa_recovery)
 *   dwMfaReset      dramwell_mfa.c (dramwell_mfa_reset)
 *
 * The requests name no entry, so the frontend handler of all four OIDs
 * sends each to the first database (in configuration order) with a
 * dramwell instance whose admin base that database holds, after slapd's
 * update restrictions; there it goes through the overlay chain to
 * dramwell_op_extended, which dispatches by OID.
 */
#include "dramwell.h"

#include <string.h>

#include "dw_exop.h"

typedef int (*dramwell_exop_fn)(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di);

static const struct {
	struct berval oid;
	dramwell_exop_fn fn;
} dramwell_exops[] = {
    {BER_BVC(DW_OID_ACCEPT_INVITE), dramwell_accept},
    {BER_BVC(DW_OID_MFA_ENROLL), dramwell_mfa_enroll},
    {BER_BVC(DW_OID_MFA_RECOVERY), dramwell_mfa_recovery},
    {BER_BVC(DW_OID_MFA_RESET), dramwell_mfa_reset},
};

#define DRAMWELL_NEXOPS (sizeof(dramwell_exops) / sizeof(dramwell_exops[0]))

/*
 * bi_extended: a connection bound with an expired password may use none
 * of these (dramwell_restricted); then the handler of the OID, if it is
 * one of the overlay's.  The password-modify exop is checked as the
 * modify slapd makes of it (dramwell_write.c): slapd goes on with it
 * whatever this hook answers unwilling-to-perform.
 */
int
dramwell_op_extended(Operation *op, SlapReply *rs)
{
	slap_overinst *on = (slap_overinst *)op->o_bd->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	const char *text = NULL;
	size_t i;
	int rc;

	if (bvmatch(&op->ore_reqoid, &slap_EXOP_MODIFY_PASSWD))
		return SLAP_CB_CONTINUE;
	rc = dramwell_restricted(op, &text);
	if (rc != LDAP_SUCCESS) {
		rs->sr_err = rc;
		rs->sr_text = text;
		return rc;
	}
	for (i = 0; i < DRAMWELL_NEXOPS; i++)
		if (bvmatch(&op->ore_reqoid, &dramwell_exops[i].oid))
			return dramwell_exops[i].fn(op, rs, on, di);
	return SLAP_CB_CONTINUE;
}

/*
 * slapd's restrictions for an update, as backend_check_restrictions()
 * applies them, except that dwAcceptInvite and dwMfaEnroll may come from
 * an anonymous connection (the request carries what authenticates it,
 * like a bind): "restrict" (read-only, modify or extended operations)
 * and the "security" factors (general and for updates) hold; "require"
 * and the need for an authenticated writer do not.  dwMfaRecovery and
 * dwMfaReset need an authenticated identity, which they check
 * themselves.
 */
static int
dramwell_exop_restrictions(Operation *op, SlapReply *rs)
{
	slap_mask_t restrict_ops =
	    frontendDB->be_restrictops | op->o_bd->be_restrictops;
	slap_ssf_set_t ss = frontendDB->be_ssf_set;
	const slap_ssf_set_t *bs = &op->o_bd->be_ssf_set;

#define DRAMWELL_SSF(f)                                                        \
	do {                                                                   \
		if (bs->f)                                                     \
			ss.f = bs->f;                                          \
	} while (0)
	DRAMWELL_SSF(sss_ssf);
	DRAMWELL_SSF(sss_transport);
	DRAMWELL_SSF(sss_tls);
	DRAMWELL_SSF(sss_sasl);
	DRAMWELL_SSF(sss_update_ssf);
	DRAMWELL_SSF(sss_update_transport);
	DRAMWELL_SSF(sss_update_tls);
	DRAMWELL_SSF(sss_update_sasl);
#undef DRAMWELL_SSF
	rs->sr_err = LDAP_SUCCESS;
	if (restrict_ops &
	    (SLAP_RESTRICT_OP_MODIFY | SLAP_RESTRICT_OP_EXTENDED |
		SLAP_RESTRICT_READONLY)) {
		rs->sr_err = LDAP_UNWILLING_TO_PERFORM;
		rs->sr_text = "operation restricted";
	} else if (op->o_transport_ssf < ss.sss_transport ||
		   op->o_transport_ssf < ss.sss_update_transport ||
		   op->o_tls_ssf < ss.sss_tls ||
		   op->o_tls_ssf < ss.sss_update_tls ||
		   op->o_sasl_ssf < ss.sss_sasl ||
		   op->o_sasl_ssf < ss.sss_update_sasl ||
		   op->o_ssf < ss.sss_ssf || op->o_ssf < ss.sss_update_ssf) {
		rs->sr_err = LDAP_CONFIDENTIALITY_REQUIRED;
		rs->sr_text = "confidentiality required for update";
	}
	return rs->sr_err;
}

/* The frontend's handler of the four OIDs (see the top of this file). */
static int
dramwell_exop_main(Operation *op, SlapReply *rs)
{
	BackendDB *bd = op->o_bd, *be;
	slap_overinst *on;
	struct dramwell_info *di;

	LDAP_STAILQ_FOREACH(be, &backendDB, be_next)
	{
		if ((on = dramwell_instance_on(be)) == NULL)
			continue;
		di = on->on_bi.bi_private;
		if (di != NULL && select_backend(&di->di_admin_nbase, 0) == be)
			break;
	}
	if (be == NULL || be->be_extended == NULL) {
		rs->sr_err = LDAP_UNWILLING_TO_PERFORM;
		rs->sr_text = "no database serves this extended operation";
		return rs->sr_err;
	}
	op->o_bd = be;
	if (dramwell_exop_restrictions(op, rs) == LDAP_SUCCESS)
		rs->sr_err = be->be_extended(op, rs);
	op->o_bd = bd;
	if (rs->sr_err == SLAP_CB_CONTINUE) {
		rs->sr_err = LDAP_UNWILLING_TO_PERFORM;
		rs->sr_text = "this extended operation is not available";
	}
	return rs->sr_err;
}

int
dramwell_exop_register(void)
{
	size_t i;
	int rc;

	for (i = 0; i < DRAMWELL_NEXOPS; i++) {
		rc = load_extop2(&dramwell_exops[i].oid, SLAP_EXOP_WRITES,
		    dramwell_exop_main, 0);
		if (rc != 0) {
			Debug(LDAP_DEBUG_ANY,
			    "dramwell: cannot register the extended "
			    "operation %s (%d)\n",
			    dramwell_exops[i].oid.bv_val, rc);
			return rc;
		}
	}
	return 0;
}

/* Decode SEQUENCE { n OCTET STRINGs } and nothing more into out[]. */
int
dramwell_exop_strings(const struct berval *in, struct berval *out, int n)
{
	BerElementBuffer berbuf;
	BerElement *ber = (BerElement *)&berbuf;
	struct berval bv;
	ber_len_t len, left = 0;
	int i;

	if (in == NULL || in->bv_val == NULL || in->bv_len == 0)
		return LDAP_PROTOCOL_ERROR;
	bv = *in;
	ber_init2(ber, &bv, 0);
	if (ber_skip_tag(ber, &len) != LBER_SEQUENCE ||
	    ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &left) != 0 ||
	    left != len)
		return LDAP_PROTOCOL_ERROR;
	for (i = 0; i < n; i++) {
		if (ber_peek_tag(ber, &len) != LBER_OCTETSTRING ||
		    ber_scanf(ber, "m", &out[i]) == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
	}
	if (ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &left) != 0 ||
	    left != 0)
		return LDAP_PROTOCOL_ERROR;
	return LDAP_SUCCESS;
}
