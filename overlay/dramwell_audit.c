/*
 * dramwell_audit.c: one audit event becomes one entry
 *   dwAuditId=<id>,<audit base>   (objectClass dwAuditEvent)
 * written by an internal add, as the audit database's rootdn, marked as
 * the overlay's own so that no dramwell instance audits or refuses it.
 * The audit base entry (ou=...) is created on the first noSuchObject.
 */
#include "dramwell.h"

#include <stdatomic.h>
#include <sys/time.h>

#include "dw_audit.h"
#include "dw_time.h"

/* The sequence part of dwAuditId: unique within this slapd process for
 * every database, so that two events in one microsecond never collide. */
static atomic_ulong dramwell_seq;

/* Tries when an id collides (only after a restart within a microsecond). */
#define DRAMWELL_AUDIT_TRIES 3

/*
 * The response function of the overlay's own internal operations.  Like
 * slap_null_cb it swallows the result; being ours, its presence in the
 * callback chain marks the operation as the overlay's own.
 */
static int
dramwell_own_cb(Operation *op, SlapReply *rs)
{
	return 0;
}

void
dramwell_own_callback(slap_callback *cb)
{
	memset(cb, 0, sizeof(*cb));
	cb->sc_response = dramwell_own_cb;
}

int
dramwell_is_own_op(Operation *op)
{
	slap_callback *sc;

	for (sc = op->o_callback; sc != NULL; sc = sc->sc_next)
		if (sc->sc_response == dramwell_own_cb)
			return 1;
	return 0;
}

void
dramwell_event_detail(struct dramwell_event *ev, const char *detail)
{
	if (detail == NULL || *detail == '\0')
		return;
	if (ev->ev_ndetail < DRAMWELL_DETAIL_MAX)
		ev->ev_detail[ev->ev_ndetail++] = detail;
}

static int
dramwell_merge(Entry *e, AttributeDescription *ad, const char *s, size_t len)
{
	struct berval bv;

	if (s == NULL || len == 0)
		return LDAP_SUCCESS; /* nothing to record */
	bv.bv_val = (char *)s;
	bv.bv_len = len;
	return attr_merge_normalize_one(e, ad, &bv, NULL);
}

static int
dramwell_merge_str(Entry *e, AttributeDescription *ad, const char *s)
{
	return dramwell_merge(e, ad, s, s != NULL ? strlen(s) : 0);
}

/* An internal add of e to the database that holds it.  e is freed. */
static int
dramwell_internal_add(Operation *op, Entry *e)
{
	Operation op2 = {0};
	SlapReply rs2 = {REP_RESULT};
	slap_callback cb = {0};
	BackendDB *be;
	int rc = LDAP_UNAVAILABLE;

	op2.ora_e = e;
	be = select_backend(&e->e_nname, 0);
	if (be == NULL || be->be_add == NULL)
		goto out;

	cb.sc_response = dramwell_own_cb;

	op2.o_hdr = op->o_hdr;
	op2.o_tag = LDAP_REQ_ADD;
	op2.o_bd = be;
	op2.o_dn = be->be_rootdn;
	op2.o_ndn = be->be_rootndn;
	op2.o_req_dn = e->e_name;
	op2.o_req_ndn = e->e_nname;
	op2.ora_e = e;
	op2.o_callback = &cb;
	/* Audit entries replicate like any entry; a replica applies them
	 * through syncrepl, which the overlay neither audits nor refuses. */
	op2.o_dont_replicate = 0;
	slap_op_time(&op2.o_time, &op2.o_tincr);

	rc = slap_add_opattrs(&op2, NULL, NULL, 0, 0);
	if (rc != LDAP_SUCCESS)
		goto out;
	rs2.sr_err = LDAP_OTHER;
	(void)be->be_add(&op2, &rs2);
	rc = rs2.sr_err;
out:
	if (e == op2.ora_e)
		entry_free(e);
	return rc;
}

/* Create the audit base entry: its RDN must be ou=<name>. */
static int
dramwell_audit_base_create(Operation *op, struct dramwell_info *di)
{
	struct berval rdn = BER_BVNULL, ou;
	LDAPRDN lrdn = NULL;
	char *p = NULL;
	Entry *e = NULL;
	int rc = LDAP_OTHER;

	if (dnExtractRdn(&di->di_audit_base, &rdn, NULL) != LDAP_SUCCESS)
		goto out;
	if (ldap_bv2rdn_x(&rdn, &lrdn, &p, LDAP_DN_FORMAT_LDAP, NULL) !=
		LDAP_SUCCESS ||
	    lrdn[0] == NULL || lrdn[1] != NULL)
		goto out;
	if (strcasecmp(lrdn[0]->la_attr.bv_val, "ou") != 0) {
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: cannot create audit base "
		    "\"%s\": its RDN is not ou=...\n",
		    di->di_audit_base.bv_val);
		goto out;
	}
	ou = lrdn[0]->la_value;

	e = entry_alloc();
	ber_dupbv(&e->e_name, &di->di_audit_base);
	ber_dupbv(&e->e_nname, &di->di_audit_nbase);
	if (dramwell_merge_str(e, slap_schema.si_ad_objectClass,
		"organizationalUnit") != LDAP_SUCCESS ||
	    dramwell_merge_str(e, slap_schema.si_ad_structuralObjectClass,
		"organizationalUnit") != LDAP_SUCCESS ||
	    dramwell_merge(e, dramwell_schema.ad_ou, ou.bv_val, ou.bv_len) !=
		LDAP_SUCCESS)
		goto out;
	rc = dramwell_internal_add(op, e);
	e = NULL;
	if (rc == LDAP_ALREADY_EXISTS)
		rc = LDAP_SUCCESS; /* another thread was first */
out:
	if (e != NULL)
		entry_free(e);
	if (lrdn != NULL)
		ldap_rdnfree_x(lrdn, NULL);
	ch_free(rdn.bv_val);
	return rc;
}

/* Build the entry of ev; NULL on failure. */
static Entry *
dramwell_audit_entry(
    Operation *op, struct dramwell_info *di, const struct dramwell_event *ev)
{
	struct dramwell_schema *s = &dramwell_schema;
	struct timeval tv;
	char id[DW_AUDIT_ID_MAX], gt[DW_GENTIME_MAX], addr[DW_ADDR_MAX];
	char result[16];
	struct berval dn = BER_BVNULL;
	const char *peer = NULL;
	size_t peerlen = 0;
	unsigned long seq;
	Entry *e = NULL;
	int i, n;

	if (gettimeofday(&tv, NULL) != 0)
		goto fail;
	seq = atomic_fetch_add(&dramwell_seq, 1);
	if (dw_audit_id_format(tv.tv_sec, (long)tv.tv_usec, di->di_server_id,
		seq, id, sizeof(id)) != 0 ||
	    dw_gentime_format(tv.tv_sec, (long)tv.tv_usec, gt, sizeof(gt)) != 0)
		goto fail;
	if (op->o_conn != NULL) {
		peer = op->o_conn->c_peer_name.bv_val;
		peerlen = op->o_conn->c_peer_name.bv_len;
	}
	/* The address the login rules use (the end user's, when a trusted
	 * portal host relays it); else what the peer is ("ldapi"). */
	dramwell_client_addr(op, di, addr, sizeof(addr));
	if (addr[0] == '\0' &&
	    dw_peer_to_addr(peer, peerlen, addr, sizeof(addr)) != 0)
		goto fail;
	n = snprintf(result, sizeof(result), "%d", ev->ev_result);
	if (n < 0 || (size_t)n >= sizeof(result))
		goto fail;

	dn.bv_len =
	    STRLENOF("dwAuditId=") + strlen(id) + 1 + di->di_audit_base.bv_len;
	dn.bv_val = ch_malloc(dn.bv_len + 1);
	n = snprintf(dn.bv_val, dn.bv_len + 1, "dwAuditId=%s,%s", id,
	    di->di_audit_base.bv_val);
	if (n < 0 || (size_t)n != dn.bv_len)
		goto fail;

	e = entry_alloc();
	if (dnPrettyNormal(NULL, &dn, &e->e_name, &e->e_nname, NULL) !=
	    LDAP_SUCCESS)
		goto fail;
	if (dramwell_merge_str(
		e, slap_schema.si_ad_objectClass, "dwAuditEvent") ||
	    dramwell_merge_str(
		e, slap_schema.si_ad_structuralObjectClass, "dwAuditEvent") ||
	    dramwell_merge_str(e, s->ad_dwAuditId, id) ||
	    dramwell_merge_str(e, s->ad_dwAuditTime, gt) ||
	    dramwell_merge_str(e, s->ad_dwAuditCategory, ev->ev_category) ||
	    dramwell_merge_str(e, s->ad_dwAuditAction, ev->ev_action) ||
	    dramwell_merge(e, s->ad_dwAuditActor, ev->ev_actor.bv_val,
		ev->ev_actor.bv_len) ||
	    dramwell_merge(e, s->ad_dwAuditTarget, ev->ev_target.bv_val,
		ev->ev_target.bv_len) ||
	    dramwell_merge_str(e, s->ad_dwAuditResult, result) ||
	    dramwell_merge_str(e, s->ad_dwAuditClient, addr))
		goto fail;
	for (i = 0; i < ev->ev_ndetail; i++)
		if (dramwell_merge_str(
			e, s->ad_dwAuditDetail, ev->ev_detail[i]))
			goto fail;
	ch_free(dn.bv_val);
	return e;
fail:
	ch_free(dn.bv_val);
	if (e != NULL)
		entry_free(e);
	return NULL;
}

int
dramwell_audit_write(
    Operation *op, struct dramwell_info *di, const struct dramwell_event *ev)
{
	Entry *e;
	int rc = LDAP_OTHER, tries, created = 0;

	for (tries = 0; tries < DRAMWELL_AUDIT_TRIES; tries++) {
		e = dramwell_audit_entry(op, di, ev);
		if (e == NULL) {
			rc = LDAP_OTHER;
			break;
		}
		rc = dramwell_internal_add(op, e);
		if (rc == LDAP_NO_SUCH_OBJECT && !created) {
			created = 1;
			rc = dramwell_audit_base_create(op, di);
			if (rc != LDAP_SUCCESS)
				break;
			continue;
		}
		if (rc != LDAP_ALREADY_EXISTS)
			break;
	}
	if (rc != LDAP_SUCCESS)
		Debug(LDAP_DEBUG_ANY,
		    "%s dramwell: audit write under \"%s\" "
		    "failed (%d) for %s of \"%s\"\n",
		    op->o_log_prefix, di->di_audit_base.bv_val, rc,
		    ev->ev_action,
		    ev->ev_target.bv_val ? ev->ev_target.bv_val : "");
	return rc;
}
