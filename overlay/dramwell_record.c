/*
 * dramwell_record.c: events a client reports to the audit log.
 *
 * The portal (through its service account) and dwadm audit record add an
 * entry directly below the audit base, e.g. dwAuditId=new,ou=audit,...,
 * holding only what the reporter may say: dwAuditCategory and
 * dwAuditAction (required), dwAuditTarget, dwAuditOnBehalfOf (the end
 * user the portal acted for), dwAuditResult and dwAuditDetail values.
 * The overlay does not store that entry: it writes an event of its own
 * (dramwell_audit_write) with its own id, time, actor (the reporter's
 * bound identity), client address and chain hash.  Anything else in the
 * entry, the server-stamped attributes above all, is refused, so a
 * client cannot forge them.  Who may report: dramwell_authz_may_append.
 */
#include "dramwell.h"

#include <errno.h>
#include <stdlib.h>

#include "dw_audit.h"
#include "dw_auditlog.h"


/* A single value of a, or NULL (with *text) when there are several. */
static struct berval *
dramwell_record_single(Attribute *a, const char **text)
{
	if (a->a_numvals != 1) {
		*text = "audit event attributes take a single value, "
			"except dwAuditDetail";
		return NULL;
	}
	return &a->a_vals[0];
}

/* No NUL byte inside v (the event's strings are C strings). */
static int
dramwell_record_cstr(const struct berval *v)
{
	return v->bv_val != NULL && memchr(v->bv_val, '\0', v->bv_len) == NULL;
}

/* Longest dwAuditTarget / dwAuditOnBehalfOf, and dwAuditDetail (bytes,
 * the schema's bounds, which slapd itself does not enforce). */
#define DRAMWELL_RECORD_NAME_MAX 1024
#define DRAMWELL_RECORD_DETAIL_MAX 4096

/* No control character (C0, DEL, C1) in v, UTF-8. */
static int
dramwell_record_printable(const struct berval *v)
{
	const unsigned char *p = (const unsigned char *)v->bv_val;
	ber_len_t i;

	for (i = 0; i < v->bv_len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		/* C1: U+0080..U+009F is C2 80..C2 9F */
		if (p[i] == 0xc2 && i + 1 < v->bv_len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return 0;
	}
	return 1;
}

/* An LDAP result code as the server writes it: 0..2147483647. */
static int
dramwell_record_result(const struct berval *v, int *out)
{
	char buf[16], *end;
	long n;

	if (v->bv_len == 0 || v->bv_len >= sizeof(buf))
		return 0;
	memcpy(buf, v->bv_val, v->bv_len);
	buf[v->bv_len] = '\0';
	if (buf[0] < '0' || buf[0] > '9' || (buf[0] == '0' && buf[1] != '\0'))
		return 0;
	errno = 0;
	n = strtol(buf, &end, 10);
	if (errno != 0 || *end != '\0' || n > 2147483647L)
		return 0;
	*out = (int)n;
	return 1;
}

/* The dwAuditId value a client may (must, for the RDN) give: the RDN's. */
static int
dramwell_record_rdn_id(Operation *op, const struct berval *v)
{
	struct berval rdn, val;

	dnRdn(&op->o_req_dn, &rdn);
	if (rdn.bv_len <= STRLENOF("dwAuditId=") ||
	    strncasecmp(rdn.bv_val, "dwAuditId=", STRLENOF("dwAuditId=")) != 0)
		return 0;
	val.bv_val = rdn.bv_val + STRLENOF("dwAuditId=");
	val.bv_len = rdn.bv_len - STRLENOF("dwAuditId=");
	return bvmatch(&val, v);
}

int
dramwell_record_event(Operation *op, struct dramwell_info *di,
    struct dramwell_event *ev, const char **text)
{
	struct dramwell_schema *s = &dramwell_schema;
	struct berval pdn;
	Attribute *a;
	struct berval *v;
	unsigned i;

	memset(ev, 0, sizeof(*ev));
	if (!dramwell_authz_may_append(op, di)) {
		*text = "the audit log is append-only: only the server and "
			"identities allowed to append (audit-log:write) add "
			"events";
		return LDAP_INSUFFICIENT_ACCESS;
	}
	dnParent(&op->o_req_ndn, &pdn);
	if (!dn_match(&pdn, &di->di_audit_nbase)) {
		*text = "the audit log is append-only: report an event as an "
			"entry directly below the audit base";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	ev->ev_actor = op->o_dn;
	ev->ev_result = LDAP_SUCCESS;
	for (a = op->ora_e->e_attrs; a != NULL; a = a->a_next) {
		AttributeDescription *ad = a->a_desc;

		/* What slapd stamps on any add (entryUUID, creatorsName,
		 * structuralObjectClass, ...): not the reporter's word, and
		 * not kept. */
		if (is_at_operational(ad->ad_type))
			continue;
		if (ad == slap_schema.si_ad_objectClass) {
			for (i = 0; i < a->a_numvals; i++) {
				struct berval *oc = &a->a_vals[i];

				if (!dramwell_record_cstr(oc) ||
				    (strcasecmp(oc->bv_val, "top") != 0 &&
					strcasecmp(oc->bv_val,
					    "dwAuditEvent") != 0)) {
					*text = "an audit event has object "
						"class dwAuditEvent only";
					return LDAP_OBJECT_CLASS_VIOLATION;
				}
			}
			continue;
		}
		if (ad == s->ad_dwAuditDetail) {
			if (a->a_numvals > DRAMWELL_DETAIL_MAX) {
				*text = "too many dwAuditDetail values "
					"(at most 8)";
				return LDAP_CONSTRAINT_VIOLATION;
			}
			for (i = 0; i < a->a_numvals; i++) {
				if (!dramwell_record_cstr(&a->a_vals[i]) ||
				    !dramwell_record_printable(
					&a->a_vals[i])) {
					*text = "dwAuditDetail: control "
						"character";
					return LDAP_INVALID_SYNTAX;
				}
				if (a->a_vals[i].bv_len >
				    DRAMWELL_RECORD_DETAIL_MAX) {
					*text = "dwAuditDetail: longer than "
						"4096 bytes";
					return LDAP_CONSTRAINT_VIOLATION;
				}
				dramwell_event_detail(
				    ev, a->a_vals[i].bv_val);
			}
			continue;
		}
		if (ad != s->ad_dwAuditCategory &&
		    ad != s->ad_dwAuditAction && ad != s->ad_dwAuditTarget &&
		    ad != s->ad_dwAuditOnBehalfOf &&
		    ad != s->ad_dwAuditResult && ad != s->ad_dwAuditId) {
			*text = "a report may hold only dwAuditCategory, "
				"dwAuditAction, dwAuditTarget, "
				"dwAuditOnBehalfOf, dwAuditResult and "
				"dwAuditDetail";
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if ((v = dramwell_record_single(a, text)) == NULL)
			return LDAP_CONSTRAINT_VIOLATION;
		if (!dramwell_record_cstr(v) || !dramwell_record_printable(v)) {
			*text = "audit event value with a control character";
			return LDAP_INVALID_SYNTAX;
		}
		if (v->bv_len > DRAMWELL_RECORD_NAME_MAX) {
			*text = "audit event value longer than 1024 bytes";
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (ad == s->ad_dwAuditId) {
			if (!dramwell_record_rdn_id(op, v)) {
				*text = "dwAuditId is set by the server: give "
					"only the RDN's placeholder value";
				return LDAP_CONSTRAINT_VIOLATION;
			}
		} else if (ad == s->ad_dwAuditCategory) {
			if (!dw_audit_category_valid(v->bv_val, v->bv_len)) {
				*text = "dwAuditCategory must be "
					"authentication, data-access, "
					"configuration or destructive";
				return LDAP_CONSTRAINT_VIOLATION;
			}
			ev->ev_category = v->bv_val;
		} else if (ad == s->ad_dwAuditAction) {
			if (!dw_audit_action_reportable(v->bv_val, v->bv_len)) {
				*text = "dwAuditAction must be 1 to 64 of "
					"a-z 0-9 . _ -, starting with a "
					"letter, and not an action the "
					"server records itself";
				return LDAP_CONSTRAINT_VIOLATION;
			}
			ev->ev_action = v->bv_val;
		} else if (ad == s->ad_dwAuditTarget) {
			ev->ev_target = *v;
		} else if (ad == s->ad_dwAuditOnBehalfOf) {
			struct berval ndn = BER_BVNULL;

			/* A DN (dwadm sends the admin's); kept as given. */
			if (dnNormalize(0, NULL, NULL, v, &ndn,
				op->o_tmpmemctx) != LDAP_SUCCESS ||
			    BER_BVISEMPTY(&ndn)) {
				if (ndn.bv_val != NULL)
					op->o_tmpfree(
					    ndn.bv_val, op->o_tmpmemctx);
				*text = "dwAuditOnBehalfOf must be a DN (the "
					"end user's entry)";
				return LDAP_INVALID_SYNTAX;
			}
			op->o_tmpfree(ndn.bv_val, op->o_tmpmemctx);
			ev->ev_onbehalf = *v;
		} else if (!dramwell_record_result(v, &ev->ev_result)) {
			*text = "dwAuditResult must be an LDAP result code "
				"(a non-negative integer)";
			return LDAP_CONSTRAINT_VIOLATION;
		}
	}
	if (ev->ev_category == NULL || ev->ev_action == NULL) {
		*text = "an audit event needs dwAuditCategory and "
			"dwAuditAction";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	return LDAP_SUCCESS;
}
