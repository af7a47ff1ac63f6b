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
	/* dramwell_authz.c: serialises the last-super-admin check with the
	 * write it allows (held until the backend has answered). */
	ldap_pvt_thread_mutex_t di_authz_mutex;
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
/* Zero cb and make it the mark (and result sink) of an internal operation
 * of the overlay's own (dramwell_audit.c). */
void dramwell_own_callback(slap_callback *cb);
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

/* ---- dramwell_authz.c: authorization of client writes (issue 3) ------ */

/*
 * The state of one authorized write, on the write hook's stack.  Written
 * by dramwell_authz_check; released by dramwell_authz_done.
 */
struct dramwell_authz {
	struct dramwell_info *az_di;
	int az_locked;	      /* holds az_di->di_authz_mutex */
	int az_end_sessions;  /* on success: delete the target's sessions */
	struct berval az_ndn; /* the target (o_tmpmemctx copy) */
	const char *az_action; /* audit action, NULL: keep the generic one */
	char *az_detail[3];    /* audit details (o_tmpmemctx) or NULL */
	char *az_reason;       /* a refusal's audit detail (o_tmpmemctx) */
};

/* Set up and tear down di_authz_mutex (db_init, db_destroy). */
void dramwell_authz_db_init(struct dramwell_info *di);
void dramwell_authz_db_destroy(struct dramwell_info *di);

/*
 * Authorize the client write op: an add, modify (password exop
 * included), delete or modrdn whose target (or new superior) is at or
 * below the admin base, the role base or the policy entry.  Not for the
 * overlay's own operations or replication (the callers skip those).
 * Reads the actor (op->o_ndn), its dwAccountStatus, its dwRole and that
 * role's dwPermission values fresh, every time; the rootdn skips the role
 * checks but not the last-super-admin rule.
 *
 * dramwell_write.c calls it at the top of add, modify, delete and modrdn
 * for every such write, so invitations (add of an invited entry), resends
 * (modify of dwInviteToken) and revocations (delete) are authorized there
 * (admin-users:write): invite code does not call it again.
 *
 * Returns LDAP_SUCCESS: the write may go on, and dramwell_authz_done()
 * must be called once the backend has answered (before the result is
 * sent) or when the write is refused later for another reason.  Else the
 * LDAP code to refuse with; *text is the client's text, *reason the audit
 * detail ("refused: ...", in az, valid until dramwell_authz_free); the
 * mutex is not held then.  In both cases az carries the audit action and
 * details (dramwell_authz_event) and must be freed (dramwell_authz_free).
 */
int dramwell_authz_check(Operation *op, struct dramwell_info *di,
    struct dramwell_authz *az, const char **text, const char **reason);
/*
 * After the backend's answer rs (NULL: the write did not reach it): on
 * success of a deactivation, delete the target's session entries (as the
 * overlay's own operations); a failure there turns rs into LDAP_OTHER.
 * Releases the mutex.  Safe to call more than once.
 */
void dramwell_authz_done(
    Operation *op, struct dramwell_authz *az, SlapReply *rs);
/* Put az's action (if any) and details on ev, before it is written. */
void dramwell_authz_event(struct dramwell_authz *az, struct dramwell_event *ev);
/* Free the details (after the audit entry was written).  Idempotent. */
void dramwell_authz_free(Operation *op, struct dramwell_authz *az);


/* ---- dramwell_invite.c: invitations (issue 3) ------------------------ */

/* Resolve dwInvite* and the policy attributes (db_open). */
int dramwell_invite_schema_resolve(const char **text);
/* Register the dwAcceptInvite extended operation (once, at initialize). */
int dramwell_invite_register(void);
/* bi_extended: handles dwAcceptInvite, passes anything else on. */
int dramwell_op_extended(Operation *op, SlapReply *rs);
/*
 * The audit action of a client add, modify or delete when it is an
 * invitation ("invite": add of an invited admin), a resend
 * ("resend-invite": modify of dwInviteToken) or a revocation
 * ("revoke-invite": delete of an invited admin); NULL otherwise.
 */
const char *dramwell_invite_action(
    Operation *op, slap_overinst *on, struct dramwell_info *di);
/*
 * The invitation rules of a client add / modify (any subtree), after
 * authorization.  LDAP_SUCCESS, with the token of an invite or resend
 * replaced by its hash, the expiry (and the inviter); else the code to
 * refuse with and *text (static).
 */
int dramwell_invite_add(Operation *op, slap_overinst *on,
    struct dramwell_info *di, const char **text);
int dramwell_invite_modify(Operation *op, slap_overinst *on,
    struct dramwell_info *di, const char **text);
/*
 * Decode a dwAcceptInvite request value: SEQUENCE { token OCTET STRING,
 * newPassword OCTET STRING } and nothing more.  token and pw point into
 * in.  LDAP_SUCCESS or LDAP_PROTOCOL_ERROR (outputs untouched).
 */
int dramwell_accept_decode(
    const struct berval *in, struct berval *token, struct berval *pw);

#endif
