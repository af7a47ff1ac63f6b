/*
 * dramwell_retention.c: the audit log's retention purge.
 *
 * A runqueue task on the database holding the audit base, every
 * dramwell-audit-purge-interval seconds (sooner while work remains),
 * removes this server's entries older than the policy's
 * dwAuditRetentionMonths (calendar months, dw_months_before; the policy
 * is read fresh for every run).  Each server purges its own chain only
 * (the "-SSS-" of the id); in a cluster the deletes replicate.
 *
 * The chain stays verifiable (dw_auditlog.h): a purge round first writes
 * a checkpoint, an ordinary audit event (category destructive, action
 * retention-purge) whose dwAuditAnchor names the id and hash of the
 * newest entry it is about to remove; then it deletes the entries at or
 * before that id, DRAMWELL_RETENTION_BATCH per run, each delete its own
 * short write, the next batch a second later, so binds interleave.  A
 * run that finds a checkpoint whose anchored entries are not all gone
 * (a crash, a restart, a large backlog) goes on deleting them first.
 * When a round is done, the audit base's dwAuditPurgeStatus value for
 * this server says when and how many ("SSS GENTIME COUNT").
 *
 * Nothing runs in tool mode (slapadd, slapcat) nor on a read-only
 * replica.
 */
#include "dramwell.h"

#include <stdio.h>
#include <string.h>

#include "ldap_rq.h"

#include "dw_audit.h"
#include "dw_auditlog.h"
#include "dw_time.h"

#define DRAMWELL_RETENTION_BATCH 256 /* deletes per run, at most */
#define DRAMWELL_RETENTION_AGAIN 1   /* seconds to the next batch */
#define DRAMWELL_RETENTION_DETAIL 160

struct dramwell_retention {
	BackendDB *rt_be; /* the audit database */
	struct dramwell_info *rt_di;
	struct re_s *rt_task;
	unsigned long rt_count; /* entries removed in this round */
};

/* What a search below the audit base found, for one chain. */
struct dramwell_ret_scan {
	unsigned rs_server_id;
	const char *rs_upto; /* collect ids <= this (NULL: any) */
	/* The newest entry found (and its hash / anchor). */
	int rs_found;
	char rs_id[DW_AUDIT_ID_MAX];
	char rs_hash[DW_AUDIT_HASH_LEN + 1];
	char rs_anchor_id[DW_AUDIT_ID_MAX];
	unsigned long rs_count;
	/* DNs to delete (o_tmpmemctx), when collecting. */
	int rs_collect;
	struct berval rs_ndn[DRAMWELL_RETENTION_BATCH];
	int rs_n;
	int rs_more; /* more than a batch matched */
};

static int
dramwell_ret_cb(Operation *op, SlapReply *rs)
{
	struct dramwell_ret_scan *sc = op->o_callback->sc_private;
	char hash[DW_AUDIT_HASH_LEN + 1], h[DW_AUDIT_HASH_LEN + 1];
	struct berval *id;
	Attribute *a;

	if (rs->sr_type != REP_SEARCH || rs->sr_entry == NULL ||
	    (id = dramwell_audit_chain_entry(
		 rs->sr_entry, sc->rs_server_id, hash)) == NULL)
		return 0;
	if (sc->rs_upto != NULL && strcmp(id->bv_val, sc->rs_upto) > 0)
		return 0;
	sc->rs_count++;
	if (sc->rs_collect) {
		if (sc->rs_n < DRAMWELL_RETENTION_BATCH)
			ber_dupbv_x(&sc->rs_ndn[sc->rs_n++],
			    &rs->sr_entry->e_nname, op->o_tmpmemctx);
		else
			sc->rs_more = 1;
		return 0;
	}
	if (sc->rs_found && strcmp(id->bv_val, sc->rs_id) <= 0)
		return 0;
	sc->rs_found = 1;
	memcpy(sc->rs_id, id->bv_val, id->bv_len + 1);
	memcpy(sc->rs_hash, hash, sizeof(sc->rs_hash));
	sc->rs_anchor_id[0] = '\0';
	a = attr_find(rs->sr_entry->e_attrs, dramwell_schema.ad_dwAuditAnchor);
	if (a != NULL && a->a_numvals == 1 &&
	    dw_audit_anchor_parse(a->a_vals[0].bv_val, a->a_vals[0].bv_len,
		sc->rs_anchor_id, sizeof(sc->rs_anchor_id), h) != DW_OK)
		sc->rs_anchor_id[0] = '\0';
	return 0;
}

/* One search below the audit base with filter f.  The backend's code. */
static int
dramwell_ret_search(
    Operation *op, struct dramwell_retention *rt, const char *f,
    struct dramwell_ret_scan *sc)
{
	struct dramwell_schema *s = &dramwell_schema;
	struct dramwell_info *di = rt->rt_di;
	slap_callback own, cb = {0};
	SlapReply rs = {REP_RESULT};
	AttributeName an[4];

	memset(an, 0, sizeof(an));
	an[0].an_desc = s->ad_dwAuditId;
	an[0].an_name = s->ad_dwAuditId->ad_cname;
	an[1].an_desc = s->ad_dwAuditHash;
	an[1].an_name = s->ad_dwAuditHash->ad_cname;
	an[2].an_desc = s->ad_dwAuditAnchor;
	an[2].an_name = s->ad_dwAuditAnchor->ad_cname;

	dramwell_own_callback(&own);
	cb.sc_response = dramwell_ret_cb;
	cb.sc_private = sc;
	cb.sc_next = &own;
	op->o_tag = LDAP_REQ_SEARCH;
	op->o_callback = &cb;
	op->o_req_dn = di->di_audit_base;
	op->o_req_ndn = di->di_audit_nbase;
	op->ors_scope = LDAP_SCOPE_ONELEVEL;
	op->ors_deref = LDAP_DEREF_NEVER;
	op->ors_limit = NULL;
	op->ors_slimit = SLAP_NO_LIMIT;
	op->ors_tlimit = SLAP_NO_LIMIT;
	op->ors_attrsonly = 0;
	op->ors_attrs = an;
	ber_str2bv_x(f, 0, 1, &op->ors_filterstr, op->o_tmpmemctx);
	op->ors_filter = str2filter_x(op, f);
	if (op->ors_filter == NULL) {
		op->o_tmpfree(op->ors_filterstr.bv_val, op->o_tmpmemctx);
		return LDAP_OTHER;
	}
	rs.sr_err = LDAP_OTHER;
	(void)rt->rt_be->be_search(op, &rs);
	filter_free_x(op, op->ors_filter, 1);
	op->o_tmpfree(op->ors_filterstr.bv_val, op->o_tmpmemctx);
	op->ors_filter = NULL;
	BER_BVZERO(&op->ors_filterstr);
	op->o_callback = NULL;
	return rs.sr_err == LDAP_NO_SUCH_OBJECT ? LDAP_SUCCESS : rs.sr_err;
}

static void
dramwell_ret_scan_init(struct dramwell_ret_scan *sc, unsigned server_id)
{
	memset(sc, 0, sizeof(*sc));
	sc->rs_server_id = server_id;
}

static void
dramwell_ret_scan_free(Operation *op, struct dramwell_ret_scan *sc)
{
	int i;

	for (i = 0; i < sc->rs_n; i++)
		op->o_tmpfree(sc->rs_ndn[i].bv_val, op->o_tmpmemctx);
	sc->rs_n = 0;
}

/* Delete the collected entries.  How many went. */
static unsigned long
dramwell_ret_delete(
    Operation *op, struct dramwell_retention *rt, struct dramwell_ret_scan *sc)
{
	unsigned long n = 0;
	slap_callback own;
	SlapReply rs = {REP_RESULT};
	int i;

	for (i = 0; i < sc->rs_n && !slapd_shutdown; i++) {
		dramwell_own_callback(&own);
		op->o_tag = LDAP_REQ_DELETE;
		op->o_callback = &own;
		op->o_req_dn = sc->rs_ndn[i];
		op->o_req_ndn = sc->rs_ndn[i];
		rs.sr_err = LDAP_OTHER;
		(void)rt->rt_be->be_delete(op, &rs);
		op->o_callback = NULL;
		if (rs.sr_err == LDAP_SUCCESS)
			n++;
		else if (rs.sr_err != LDAP_NO_SUCH_OBJECT)
			Debug(LDAP_DEBUG_ANY,
			    "dramwell: audit retention: cannot delete "
			    "\"%s\" (%d)\n",
			    sc->rs_ndn[i].bv_val, rs.sr_err);
	}
	return n;
}

/* Set this server's dwAuditPurgeStatus on the audit base. */
static void
dramwell_ret_status(Operation *op, struct dramwell_retention *rt, time_t now)
{
	struct dramwell_schema *s = &dramwell_schema;
	struct dramwell_info *di = rt->rt_di;
	char buf[96], gt[DW_GENTIME_MAX], prefix[8];
	struct berval val, ocv = BER_BVC("dwAuditLog");
	Modifications *mods = NULL, *ml, **tail = &mods;
	Entry *e = NULL;
	Attribute *a;
	ObjectClass *oc = oc_find("dwAuditLog");
	unsigned i;
	int n;

	if (oc == NULL || dw_gentime_format(now, -1, gt, sizeof(gt)) != DW_OK)
		return;
	n = snprintf(buf, sizeof(buf), "%03u %s %lu", di->di_server_id, gt,
	    rt->rt_count);
	(void)snprintf(prefix, sizeof(prefix), "%03u ", di->di_server_id);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	ber_str2bv(buf, (ber_len_t)n, 0, &val);
	op->o_bd = rt->rt_be;
	if (be_entry_get_rw(op, &di->di_audit_nbase, NULL, NULL, 0, &e) !=
		LDAP_SUCCESS ||
	    e == NULL)
		return;
	if (!is_entry_objectclass(e, oc, 0)) {
		*tail = dramwell_mod_new(
		    slap_schema.si_ad_objectClass, LDAP_MOD_ADD, &ocv, 1);
		if (*tail != NULL)
			tail = &(*tail)->sml_next;
	}
	/* Our previous value goes; the other servers' stay. */
	a = attr_find(e->e_attrs, s->ad_dwAuditPurgeStatus);
	for (i = 0; a != NULL && i < a->a_numvals; i++) {
		if (a->a_vals[i].bv_len < 4 ||
		    strncmp(a->a_vals[i].bv_val, prefix, 4) != 0)
			continue;
		*tail = dramwell_mod_new(s->ad_dwAuditPurgeStatus,
		    LDAP_MOD_DELETE, &a->a_vals[i], 1);
		if (*tail != NULL)
			tail = &(*tail)->sml_next;
	}
	be_entry_release_r(op, e);
	ml = dramwell_mod_new(s->ad_dwAuditPurgeStatus, LDAP_MOD_ADD, &val, 1);
	*tail = ml;
	if (ml == NULL) {
		slap_mods_free(mods, 1);
		return;
	}
	n = dramwell_internal_modify(
	    op, &di->di_audit_base, &di->di_audit_nbase, mods);
	if (n != LDAP_SUCCESS)
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: audit retention: cannot record the purge "
		    "status on \"%s\" (%d)\n",
		    di->di_audit_base.bv_val, n);
}

/* The policy's retention, read through the instance on the policy's
 * database; 0 when it cannot be read (nothing is purged then). */
static unsigned
dramwell_ret_months(Operation *op, struct dramwell_retention *rt)
{
	struct dramwell_info *di = rt->rt_di, *pdi;
	BackendDB *be = select_backend(&di->di_policy_ndn, 0);
	slap_overinst *on = dramwell_instance_on(be);
	struct dw_policy pol;
	const char *text = NULL;
	int rc;

	if (on == NULL || (pdi = on->on_bi.bi_private) == NULL) {
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: audit retention: no dramwell database holds "
		    "the policy \"%s\": nothing is purged\n",
		    di->di_policy_dn.bv_val);
		return 0;
	}
	op->o_bd = be;
	rc = dramwell_policy_read(op, pdi, &pol, &text);
	op->o_bd = rt->rt_be;
	return rc == LDAP_SUCCESS ? pol.audit_retention_months : 0;
}

/* Write the checkpoint of a round that purges up to sc's newest entry. */
static int
dramwell_ret_checkpoint(Operation *op, struct dramwell_retention *rt,
    const struct dramwell_ret_scan *sc, const char *cutoff, unsigned months)
{
	char anchor[DW_AUDIT_ID_MAX + DW_AUDIT_HASH_LEN + 2];
	char detail[DRAMWELL_RETENTION_DETAIL];
	struct dramwell_event ev;

	snprintf(anchor, sizeof(anchor), "%s %s", sc->rs_id,
	    sc->rs_hash[0] != '\0' ? sc->rs_hash : DW_AUDIT_GENESIS);
	snprintf(detail, sizeof(detail),
	    "purging %lu entries older than %s (retention %u months)",
	    sc->rs_count, cutoff, months);
	memset(&ev, 0, sizeof(ev));
	ev.ev_category = DW_AUDIT_CAT_DESTRUCT;
	ev.ev_action = DW_AUDIT_PURGE_ACTION;
	ev.ev_target = rt->rt_di->di_audit_base;
	ev.ev_result = LDAP_SUCCESS;
	ev.ev_anchor = anchor;
	dramwell_event_detail(&ev, detail);
	return dramwell_audit_write(op, rt->rt_di, &ev);
}

/*
 * One run.  Returns 1 when work remains (the next run comes soon).
 */
static int
dramwell_ret_run(void *ctx, struct dramwell_retention *rt)
{
	struct dramwell_info *di = rt->rt_di;
	struct dramwell_ret_scan cp, sc;
	Connection conn = {0};
	OperationBuffer opbuf;
	Operation *op;
	char f[160], gt[DW_GENTIME_MAX];
	time_t now = slap_get_time(), cutoff;
	unsigned months;
	int rc, again = 0;

	connection_fake_init2(&conn, &opbuf, ctx, 0);
	op = &opbuf.ob_op;
	op->o_bd = rt->rt_be;
	op->o_dn = rt->rt_be->be_rootdn;
	op->o_ndn = rt->rt_be->be_rootndn;
	op->o_managedsait = SLAP_CONTROL_CRITICAL;
	op->o_do_not_cache = 1;
	slap_op_time(&op->o_time, &op->o_tincr);

	/* The cutoff first: nothing younger is ever deleted, whatever a
	 * checkpoint (a forged one, written offline) anchors. */
	months = dramwell_ret_months(op, rt);
	if (months == 0 || dw_months_before(now, months, &cutoff) != DW_OK ||
	    dw_gentime_format(cutoff, -1, gt, sizeof(gt)) != DW_OK)
		return 0;

	/* 1. The latest checkpoint of this chain: are its entries gone? */
	dramwell_ret_scan_init(&cp, di->di_server_id);
	rc = dramwell_ret_search(op, rt,
	    "(&(objectClass=dwAuditEvent)(dwAuditAction=" DW_AUDIT_PURGE_ACTION
	    "))",
	    &cp);
	if (rc != LDAP_SUCCESS)
		goto fail;
	if (cp.rs_found && cp.rs_anchor_id[0] != '\0') {
		dramwell_ret_scan_init(&sc, di->di_server_id);
		sc.rs_collect = 1;
		sc.rs_upto = cp.rs_anchor_id;
		snprintf(f, sizeof(f),
		    "(&(objectClass=dwAuditEvent)(dwAuditId<=%s)"
		    "(!(dwAuditTime>=%s)))",
		    cp.rs_anchor_id, gt);
		rc = dramwell_ret_search(op, rt, f, &sc);
		if (rc == LDAP_SUCCESS && sc.rs_n > 0) {
			rt->rt_count += dramwell_ret_delete(op, rt, &sc);
			again = 1;
		}
		dramwell_ret_scan_free(op, &sc);
		if (rc != LDAP_SUCCESS)
			goto fail;
		if (again)
			return 1;
	}
	if (rt->rt_count > 0) {
		dramwell_ret_status(op, rt, now);
		Debug(LDAP_DEBUG_STATS,
		    "dramwell: audit retention: %lu entries purged\n",
		    rt->rt_count);
		rt->rt_count = 0;
	}

	/* 2. Anything (newer than the last anchor) past the retention? */
	dramwell_ret_scan_init(&sc, di->di_server_id);
	snprintf(f, sizeof(f),
	    "(&(objectClass=dwAuditEvent)(!(dwAuditTime>=%s)))", gt);
	rc = dramwell_ret_search(op, rt, f, &sc);
	if (rc != LDAP_SUCCESS)
		goto fail;
	if (!sc.rs_found ||
	    (cp.rs_anchor_id[0] != '\0' &&
		strcmp(sc.rs_id, cp.rs_anchor_id) <= 0))
		return 0;
	if (dramwell_ret_checkpoint(op, rt, &sc, gt, months) != LDAP_SUCCESS) {
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: audit retention: cannot write the checkpoint: "
		    "nothing is purged\n");
		return 0;
	}
	return 1;
fail:
	Debug(LDAP_DEBUG_ANY,
	    "dramwell: audit retention: search below \"%s\" failed (%d)\n",
	    di->di_audit_base.bv_val, rc);
	return 0;
}

static void *
dramwell_ret_fn(void *ctx, void *arg)
{
	struct re_s *rtask = arg;
	struct dramwell_retention *rt = rtask->arg;
	int again = 0;

	if (!SLAP_SINGLE_SHADOW(rt->rt_be) && !slapd_shutdown) {
		again = dramwell_ret_run(ctx, rt);
		Debug(LDAP_DEBUG_STATS, "dramwell: audit retention run: %s\n",
		    again ? "more to do" : "done");
	}
	dramwell_task_done(rtask, again ? DRAMWELL_RETENTION_AGAIN
					: (int)rt->rt_di->di_purge_interval);
	return NULL;
}

int
dramwell_retention_start(BackendDB *be)
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_retention *rt;

	if ((slapMode & SLAP_TOOL_MODE) || di == NULL ||
	    di->di_retention != NULL)
		return 0;
	rt = ch_calloc(1, sizeof(*rt));
	rt->rt_be = be->bd_self;
	rt->rt_di = di;
	rt->rt_task = dramwell_task_insert(be, (int)di->di_purge_interval,
	    dramwell_ret_fn, rt, "dramwell_audit_retention");
	if (rt->rt_task == NULL) {
		ch_free(rt);
		return -1;
	}
	di->di_retention = rt;
	return 0;
}

void
dramwell_retention_stop(BackendDB *be)
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_retention *rt;

	if (di == NULL || (rt = di->di_retention) == NULL)
		return;
	dramwell_task_remove(rt->rt_task);
	di->di_retention = NULL;
	ch_free(rt);
}
