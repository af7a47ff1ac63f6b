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

#include "dw_cidr.h"
#include "dw_lockout.h"
#include "dw_passwd.h"
#include "dw_policy.h"
#include "dw_secretbox.h"
#include "dw_totp.h"

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

	/* ---- issue 4 (dramwell_login.c, dramwell_mfa.c) ---- */
	/* dramwell-mfa-keyfile: the secretbox key of the TOTP secrets,
	 * loaded at db_open; without it MFA users cannot log in (fail
	 * closed) and nobody can enroll. */
	char *di_mfa_keyfile;
	unsigned char di_mfa_key[DW_SECRETBOX_KEY_BYTES];
	int di_mfa_key_loaded;
	/* dramwell-trusted-proxy: portal hosts whose Session Tracking
	 * control names the end user's address. */
	struct dw_cidr *di_trusted;
	size_t di_ntrusted;
	/* Serialises the read-compute-write of dwLockout and guards the
	 * per-address throttle table. */
	ldap_pvt_thread_mutex_t di_login_mutex;
	struct dw_throttle *di_throttle;
	/* dramwell_session.c: the idle-session purge task (db_open). */
	struct dramwell_purge *di_purge;

	/* ---- issue 5 (dramwell_record.c, dramwell_retention.c) ---- */
	/* dramwell-audit-appender: identities (besides admins whose role
	 * has audit-log:write) that may append events, e.g. the portal. */
	BerVarray di_appenders; /* normalised DNs */
	/* dramwell-audit-purge-interval: seconds between retention runs. */
	unsigned di_purge_interval;
	/* The retention task, on the database holding the audit base. */
	struct dramwell_retention *di_retention;
};

/* Default seconds between two retention runs. */
#define DRAMWELL_PURGE_INTERVAL_DEFAULT 3600

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
	AttributeDescription *ad_dwAuditHash;
	AttributeDescription *ad_dwAuditPrevHash;
	AttributeDescription *ad_dwAuditOnBehalfOf;
	AttributeDescription *ad_dwAuditAnchor;
	AttributeDescription *ad_dwAuditPurgeStatus;
	ObjectClass *oc_dwAdminUser;
	ObjectClass *oc_dwAuditEvent;
};
extern struct dramwell_schema dramwell_schema;

/* At most this many dwAuditDetail values per event. */
#define DRAMWELL_DETAIL_MAX 8

/* One audit event, filled by the hooks; strings are not owned. */
struct dramwell_event {
	const char *ev_category; /* DW_AUDIT_CAT_* */
	const char *ev_action;	 /* bind, add, modify, ... */
	struct berval ev_actor;	 /* may be empty (anonymous) */
	struct berval ev_target; /* may be empty */
	int ev_result;		 /* LDAP result code */
	const char *ev_detail[DRAMWELL_DETAIL_MAX];
	int ev_ndetail;
	struct berval ev_onbehalf; /* reported events: the end user */
	const char *ev_anchor;	   /* retention checkpoints: "<id> <hash>" */
	const char *ev_client;	   /* the end user's address, when the
				    * event knows it better than the
				    * connection (a session's own) */
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
/* The dwAuditId of e when e is an entry of server_id's chain, else NULL;
 * with its dwAuditHash in hash ("" when missing or malformed) unless hash
 * is NULL. */
struct berval *dramwell_audit_chain_entry(
    Entry *e, unsigned server_id, char hash[65]);
/* Set up the chains' registry (once, at initialize). */
void dramwell_audit_initialize(void);

/*
 * dramwell.c: the background tasks (session purge, audit retention) on
 * slapd's run queue: insert (first run at once), reschedule at the end
 * of a run (interval > 0 sets a new one), remove (db_close).
 */
struct re_s *dramwell_task_insert(BackendDB *be, int interval,
    ldap_pvt_thread_start_t *fn, void *arg, const char *name);
void dramwell_task_done(struct re_s *t, int interval);
void dramwell_task_remove(struct re_s *t);

/*
 * dramwell_record.c: an add below the audit base (dramwell_op_add) is an
 * event a client reports.  Checks who asks and what is in it, and fills
 * ev (pointing into op's entry) for dramwell_audit_write: LDAP_SUCCESS,
 * or the refusal's code and *text.
 */
int dramwell_record_event(Operation *op, struct dramwell_info *di,
    struct dramwell_event *ev, const char **text);
/* dramwell.c: the enabled dramwell instance on be, if any. */
slap_overinst *dramwell_instance_on(BackendDB *be);
/* dramwell_authz.c: may op's identity append events to the audit log?
 * A configured appender, or an active admin with audit-log:write. */
int dramwell_authz_may_append(Operation *op, struct dramwell_info *di);
/* dramwell_authz.c: is op's identity a configured appender (the portal's
 * service account: dramwell-audit-appender)? */
int dramwell_is_appender(Operation *op, struct dramwell_info *di);

/* dramwell_retention.c: the retention purge task (db_open, db_close). */
int dramwell_retention_start(BackendDB *be);
void dramwell_retention_stop(BackendDB *be);

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
/* The dwAcceptInvite extended operation (dramwell_exop.c dispatches). */
int dramwell_accept(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di);
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

/* ---- issue 4: security settings ------------------------------------- */

/* dramwell_policy.c (writes helper): read cn=security fresh, as the
 * overlay's own internal read.  LDAP_SUCCESS with *out filled (defaults
 * for absent keys); else LDAP_OTHER with *text "security policy
 * unavailable" (missing entry, malformed value: fail closed). */
int dramwell_policy_read(Operation *op, struct dramwell_info *di,
    struct dw_policy *out, const char **text);

/* dramwell_login.c (bind helper): the address the rules apply to: the
 * end user's address from a Session Tracking control when the peer is a
 * trusted portal host, else the peer's IP address.  Writes "" when there
 * is none (ldapi, unparsable): no allowlist then admits it. */
void dramwell_client_addr(Operation *op, struct dramwell_info *di,
    char *out, size_t outsz);

/* dramwell_login.c: connections bound with an expired password may only
 * change that password (RFC 3062 exop on their own entry, with the old
 * password).  LDAP_SUCCESS when op may go on; else the code to refuse
 * with, and *text.  The write hooks and bi_extended call it first. */
int dramwell_restricted(Operation *op, const char **text);
/* Lift the restriction of op's connection (after its password change). */
void dramwell_restricted_clear(Operation *op);

/* dramwell_mfa.c: the MFA extended operations (dw_exop.h), dispatched by
 * dramwell_exop.c: dwMfaEnroll, dwMfaRecovery, dwMfaReset. */
int dramwell_mfa_enroll(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di);
int dramwell_mfa_recovery(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di);
int dramwell_mfa_reset(
    Operation *op, SlapReply *rs, slap_overinst *on, struct dramwell_info *di);

/* ---- dramwell_exop.c: the extended operations ------------------------ */

/* bi_extended: dwAcceptInvite and the MFA operations (after
 * dramwell_restricted); passes anything else on. */
int dramwell_op_extended(Operation *op, SlapReply *rs);
/* Register the four extended operations (once, at initialize). */
int dramwell_exop_register(void);
/* Decode an extended operation's request value SEQUENCE { n OCTET
 * STRINGs } and nothing more into out[] (pointing into in):
 * LDAP_SUCCESS or LDAP_PROTOCOL_ERROR. */
int dramwell_exop_strings(const struct berval *in, struct berval *out, int n);

/* ---- dramwell_login.c / dramwell_mfa.c internals (login side) -------- */

/* The attributes of the login side; resolved at db_open. */
struct dramwell_login_schema {
	AttributeDescription *ad_dwMfaEnabled;
	AttributeDescription *ad_dwMfaSecret;
	AttributeDescription *ad_dwMfaLastStep;
	AttributeDescription *ad_dwRecoveryCodeHash;
	AttributeDescription *ad_dwLockout;
	AttributeDescription *ad_uid;
	AttributeDescription *ad_mail;
};
extern struct dramwell_login_schema dramwell_lschema;

/* db_init / db_open / db_destroy work of the login side: the restricted
 * connection table (shared by every instance, reference counted), the
 * throttle and di_login_mutex, the schema, the MFA key. */
void dramwell_login_db_init(struct dramwell_info *di);
int dramwell_login_db_open(struct dramwell_info *di, ConfigReply *cr);
void dramwell_login_db_destroy(struct dramwell_info *di);
/* (Re)load di_mfa_key from di_mfa_keyfile; 0 or -1 with msg filled. */
int dramwell_login_key_load(struct dramwell_info *di, char *msg, size_t msgsz);
/* bi_connection_destroy: forget the connection's restriction. */
int dramwell_login_conn_destroy(BackendDB *be, Connection *conn);

/*
 * One login attempt at an admin entry (a bind, or dwMfaEnroll): the facts
 * read from the entry and the policy, and the decision of the gate.
 * Strings and values are o_tmpmemctx copies; dramwell_login_free.
 */
struct dramwell_login {
	time_t lg_now;
	char lg_addr[DW_CIDR_TEXT_MAX]; /* client address, "" = none */
	struct dw_policy *lg_pol;
	int lg_found;			/* the entry exists */
	struct berval lg_dn, lg_ndn;	/* the entry (when found) */
	const char *lg_state;		/* NULL: active; else the reason */
	int lg_pw_ok;			/* the password part verified */
	int lg_has_lockout;		/* dwLockout present */
	int lg_lockout_bad;		/* dwLockout malformed */
	struct dw_lockout lg_lockout;
	int lg_mfa;			/* dwMfaEnabled: TRUE */
	struct berval lg_mfa_val;	/* its stored value, if any */
	struct berval lg_secret;	/* dwMfaSecret (stored form) */
	int lg_has_last, lg_last_bad;
	int64_t lg_last;		/* dwMfaLastStep */
	struct berval lg_last_val;	/* its stored value */
	BerVarray lg_recovery;		/* dwRecoveryCodeHash values */
	int lg_has_changed;
	time_t lg_changed;		/* dwPasswordChangedTime */
	/* the credential's parts (point into the request) */
	enum dw_cred_kind lg_kind;
	struct berval lg_factor;
	/* the outcome */
	const char *lg_reason;		/* refusal reason (audit), or NULL */
	int lg_counts;			/* counts towards lockout */
	int lg_throttle;		/* counts towards the address throttle */
	int lg_locked_now;		/* this failure locked the account */
};

/*
 * Steps 1 to 6 of the bind pipeline (slapo-dramwell(5)) for the admin
 * entry ndn: read the policy and the entry fresh, throttle, lockout,
 * account state, allowlist, then the password.  With split set and MFA
 * on for the entry, cred is password + second factor (dw_cred_split).
 * Returns LDAP_SUCCESS with lg->lg_reason NULL when the gate passed, or
 * with lg_reason set for a refusal; another code (and *text) when the
 * policy cannot be read (fail closed).
 */
int dramwell_login_gate(Operation *op, slap_overinst *on,
    struct dramwell_info *di, struct berval *ndn, struct berval *cred,
    int split, struct dramwell_login *lg, const char **text);
/* Count a refusal (lg_counts, lg_throttle) under di_login_mutex: the
 * address throttle and dwLockout (re-read, updated, written back). */
void dramwell_login_failed(Operation *op, slap_overinst *on,
    struct dramwell_info *di, struct dramwell_login *lg);
/* A successful login resets dwLockout. */
void dramwell_login_succeeded(Operation *op, slap_overinst *on,
    struct dramwell_info *di, struct dramwell_login *lg);
void dramwell_login_free(Operation *op, struct dramwell_login *lg);
/* Restrict the connection of op (a bind of op->o_req_ndn about to
 * succeed) to changing its expired password.  0, or -1 when it cannot
 * be (the bind must then fail). */
int dramwell_restricted_set(Operation *op);

/* A new modification (flags 0) with vals (n of them, may be 0),
 * normalised; ch_malloc'ed, slap_mods_free.  NULL on failure. */
Modifications *dramwell_mod_new(
    AttributeDescription *ad, int mop, const struct berval *vals, int n);
/* An internal modify of dn as the rootdn, marked as the overlay's own;
 * mods are freed.  Returns the backend's result code. */
int dramwell_internal_modify(Operation *op, struct berval *dn,
    struct berval *ndn, Modifications *mods);

/* dramwell_mfa.c: step 7 of the bind, for lg_kind TOTP or RECOVERY.
 * NULL when the factor is right (and its use recorded), else the audit
 * reason. */
const char *dramwell_mfa_check(Operation *op, struct dramwell_info *di,
    struct dramwell_login *lg);

/* ---- dramwell_policy.c / dramwell_session.c (write side) ------------- */

/* Resolve the policy attributes (db_open, through
 * dramwell_invite_schema_resolve).  0 or -1 with *text. */
int dramwell_policy_schema_resolve(const char **text);

/*
 * One new cleartext password pw for an entry, against the policy pol:
 * the quality rules (dw_passwd_policy_check, with the e-mail address
 * email, may be NULL) and reuse: the current userPassword values and the
 * newest pol->pw_history dwPasswordHistory values of cur, the entry as
 * stored (NULL: an add, or an invitee without a password).  LDAP_SUCCESS;
 * else LDAP_CONSTRAINT_VIOLATION with *text "password refused: <rule>"
 * (o_tmpmemctx or static; never the password), or LDAP_OTHER with *text
 * (the dictionary or the hashing is unavailable: fail closed).
 */
int dramwell_password_check(Operation *op, const struct dw_policy *pol,
    const struct berval *email, Entry *cur, const struct berval *pw,
    const char **text);
/* The e-mail address of e for the e-mail rule: its uid when that holds
 * an '@', else its mail; BER_BVNULL when neither.  Points into e. */
void dramwell_entry_email(Entry *e, struct berval *out);
/*
 * The dwPasswordHistory of cur after its password is replaced at now:
 * its current userPassword value first, then the newest previous ones,
 * pol->pw_history values at most (none: the attribute goes).  A
 * "replace: dwPasswordHistory" (SLAP_MOD_INTERNAL, ch_malloc'ed), or NULL
 * when nothing changes.
 */
Modifications *dramwell_history_mod(Operation *op, const struct dw_policy *pol,
    Entry *cur, time_t now);
/* Is ad server-managed (dwMfaSecret, dwMfaEnabled, dwMfaLastStep,
 * dwRecoveryCodeHash, dwPasswordHistory, dwLockout,
 * dwPasswordChangedTime) and not writable by this client (root: the
 * rootdn, which may write dwMfaLastStep, dwLockout and
 * dwPasswordChangedTime)?  Its name when refused, else NULL. */
const char *dramwell_server_attr(AttributeDescription *ad, int root);

/* The idle-session purge (a runqueue task every 60 seconds): started by
 * db_open, stopped by db_close; be is the database the overlay is on.
 * Not in tool mode (slapadd, slapcat...). */
int dramwell_session_start(BackendDB *be);
void dramwell_session_stop(BackendDB *be);

#endif
