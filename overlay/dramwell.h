/*
 * dramwell.h: shared declarations of the dramwell slapd overlay.
 *
 * The overlay is split by concern: dramwell.c (registration, cn=config
 * table, per-database state), dramwell_bind.c (simple bind: account state,
 * audit), dramwell_write.c (add, modify, delete, modrdn, the password
 * exop: password hashing, the append-only audit subtree, audit) and
 * dramwell_audit.c (building and writing one audit entry).
 */
#ifndef DRAMWELL_H
#define DRAMWELL_H

#include "portable.h"
#include "slap.h"
#include "slap-config.h"

#include "dw_passwd.h"

/* Per-database state, on_bi.bi_private; allocated in db_init. */
struct dramwell_info {
	struct berval di_admin_base, di_admin_nbase;
	struct berval di_role_base, di_role_nbase;
	struct berval di_policy_dn, di_policy_ndn;
	struct berval di_session_base, di_session_nbase;
	struct berval di_audit_base, di_audit_nbase;
	struct dw_argon2_params di_argon2;
	unsigned di_server_id;
};

/* Schema elements the overlay uses; resolved once in db_open. */
struct dramwell_schema {
	AttributeDescription *ad_ou;
	AttributeDescription *ad_dwAccountStatus;
	AttributeDescription *ad_dwPasswordChangedTime;
	AttributeDescription *ad_dwAuditId;
	AttributeDescription *ad_dwAuditTime;
	AttributeDescription *ad_dwAuditCategory;
	AttributeDescription *ad_dwAuditAction;
	AttributeDescription *ad_dwAuditActor;
	AttributeDescription *ad_dwAuditTarget;
	AttributeDescription *ad_dwAuditResult;
	AttributeDescription *ad_dwAuditClient;
	AttributeDescription *ad_dwAuditDetail;
	ObjectClass *oc_dwAdminUser;
	ObjectClass *oc_dwAuditEvent;
};
extern struct dramwell_schema dramwell_schema;

/* At most this many dwAuditDetail values per event. */
#define DRAMWELL_DETAIL_MAX 4

/* One audit event, filled by the hooks; strings are not owned. */
struct dramwell_event {
	const char *ev_category; /* DW_AUDIT_CAT_* */
	const char *ev_action;	 /* bind, add, modify, ... */
	struct berval ev_actor;	 /* may be empty (anonymous) */
	struct berval ev_target; /* may be empty */
	int ev_result;		 /* LDAP result code */
	const char *ev_detail[DRAMWELL_DETAIL_MAX];
	int ev_ndetail;
};

/* dramwell.c */
int dramwell_schema_resolve(const char **text);
int dramwell_is_own_op(Operation *op);
int dramwell_dn_within(struct berval *ndn, struct berval *nbase);
/*
 * Run the rest of the overlay chain and the backend for this operation
 * with cb (on the caller's stack) at the head of the callback chain, and
 * take cb out again.  Returns what the backend returned.  The hook that
 * calls it returns that value instead of SLAP_CB_CONTINUE, so it can act
 * after the backend (a bind's success is sent only after slapd has set
 * the connection's identity: too late to refuse it).
 */
int dramwell_run_below(
    Operation *op, SlapReply *rs, slap_operation_t which, slap_callback *cb);

/* dramwell_audit.c */
void dramwell_event_detail(struct dramwell_event *ev, const char *detail);
/*
 * Write ev as an entry under the audit base of di.  Returns LDAP_SUCCESS
 * or the failure code; on failure nothing was written.  Safe to call from
 * any hook: the write is an internal add marked as the overlay's own.
 */
int dramwell_audit_write(
    Operation *op, struct dramwell_info *di, const struct dramwell_event *ev);
/* The client's result becomes this when the audit write fails. */
#define DRAMWELL_AUDIT_FAIL_TEXT "audit log unavailable"

/* dramwell_bind.c */
int dramwell_op_bind(Operation *op, SlapReply *rs);

/* dramwell_write.c */
int dramwell_op_add(Operation *op, SlapReply *rs);
int dramwell_op_modify(Operation *op, SlapReply *rs);
int dramwell_op_delete(Operation *op, SlapReply *rs);
int dramwell_op_modrdn(Operation *op, SlapReply *rs);

#endif
