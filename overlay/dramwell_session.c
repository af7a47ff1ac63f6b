/*
 * dramwell_session.c: the background purge of idle portal sessions.
 *
 * A runqueue task (once when slapd starts, then every
 * DRAMWELL_PURGE_INTERVAL seconds) deletes the dwSession entries below
 * the session base whose last activity (dwSessionLastActivity, or
 * dwSessionStart when there is none; neither: a damaged entry, deleted)
 * is dwSessionIdleTimeout seconds or more in the past
 * (dw_session_idle_check; the policy is read fresh for every run).  The
 * PAM module refuses such a session anyway; the purge only keeps the
 * directory and `dwadm session list` true.
 *
 * Each delete is the overlay's own operation, conditional (an LDAP
 * assertion) on the session still being idle, so a session the portal
 * refreshed between the search and the delete stays.  Each deleted
 * session is audited: action "session-timeout", target the session's
 * user, detail its idle time; the session identifier (a bearer value of
 * the portal) is not recorded.  The work goes in batches of
 * DRAMWELL_PURGE_BATCH entries, each delete its own short write, so binds
 * and other writes interleave.  Nothing runs in tool mode (slapadd,
 * slapcat) nor on a read-only replica (the provider's deletes replicate).
 */
#include "dramwell.h"

#include <string.h>

#include "ldap_rq.h"

#include "dw_audit.h"
#include "dw_session.h"
#include "dw_time.h"

#define DRAMWELL_PURGE_INTERVAL 60 /* seconds */
#define DRAMWELL_PURGE_BATCH 64	   /* entries per search */
#define DRAMWELL_PURGE_BATCHES 32  /* searches per run, at most */
#define DRAMWELL_PURGE_DETAIL 96

struct dramwell_purge {
	BackendDB *pg_be; /* the database the overlay is on */
	struct dramwell_info *pg_di;
	struct re_s *pg_task;
};

static struct {
	AttributeDescription *user, *start, *last;
	ObjectClass *oc;
} dramwell_ses;

/* One idle session found by the search (o_tmpmemctx copies). */
struct dramwell_idle {
	struct berval id_ndn;
	struct berval id_user;
	int64_t id_idle; /* seconds; -1: no usable time */
};

struct dramwell_purge_search {
	struct dramwell_idle ps_hit[DRAMWELL_PURGE_BATCH];
	int ps_n;
	unsigned ps_timeout;
	time_t ps_now;
};

static int
dramwell_ses_resolve(void)
{
	const char *text = NULL;

	if ((dramwell_ses.user == NULL &&
		slap_str2ad("dwSessionUser", &dramwell_ses.user, &text) !=
		    LDAP_SUCCESS) ||
	    (dramwell_ses.start == NULL &&
		slap_str2ad("dwSessionStart", &dramwell_ses.start, &text) !=
		    LDAP_SUCCESS) ||
	    (dramwell_ses.last == NULL &&
		slap_str2ad("dwSessionLastActivity", &dramwell_ses.last,
		    &text) != LDAP_SUCCESS))
		return -1;
	if (dramwell_ses.oc == NULL)
		dramwell_ses.oc = oc_find("dwSession");
	return dramwell_ses.oc != NULL ? 0 : -1;
}

/* The single time value of ad in e; 0 or -1. */
static int
dramwell_ses_time(Entry *e, AttributeDescription *ad, time_t *t)
{
	Attribute *a = attr_find(e->e_attrs, ad);

	if (a == NULL || a->a_numvals != 1 ||
	    dw_gentime_parse(a->a_vals[0].bv_val, a->a_vals[0].bv_len, t) !=
		DW_OK)
		return -1;
	return 0;
}

static int
dramwell_purge_search_cb(Operation *op, SlapReply *rs)
{
	struct dramwell_purge_search *ps = op->o_callback->sc_private;
	struct dramwell_idle *h;
	Entry *e = rs->sr_entry;
	Attribute *a;
	time_t last;
	int64_t idle = -1;

	if (rs->sr_type != REP_SEARCH || e == NULL ||
	    ps->ps_n >= DRAMWELL_PURGE_BATCH)
		return 0;
	if (dramwell_ses_time(e, dramwell_ses.last, &last) == 0 ||
	    (attr_find(e->e_attrs, dramwell_ses.last) == NULL &&
		dramwell_ses_time(e, dramwell_ses.start, &last) == 0)) {
		/* The filter found it; the core rule decides. */
		if (dw_session_idle_check((int64_t)last, (int64_t)ps->ps_now,
			ps->ps_timeout) != DW_DENY)
			return 0;
		idle = (int64_t)ps->ps_now - (int64_t)last;
	}
	h = &ps->ps_hit[ps->ps_n++];
	ber_dupbv_x(&h->id_ndn, &e->e_nname, op->o_tmpmemctx);
	BER_BVZERO(&h->id_user);
	a = attr_find(e->e_attrs, dramwell_ses.user);
	if (a != NULL && a->a_numvals == 1)
		ber_dupbv_x(&h->id_user, &a->a_vals[0], op->o_tmpmemctx);
	h->id_idle = idle;
	return 0;
}

/*
 * Sessions idle at now: the last activity at or before the cutoff, or
 * none and a start at or before it, or no usable time at all.
 */
static int
dramwell_purge_filter(Operation *op, time_t cutoff, struct berval *out)
{
	char gt[DW_GENTIME_MAX];
	int n;

	if (dw_gentime_format(cutoff, -1, gt, sizeof(gt)) != DW_OK)
		return -1;
	out->bv_len = 256;
	out->bv_val = op->o_tmpalloc(out->bv_len, op->o_tmpmemctx);
	n = snprintf(out->bv_val, out->bv_len,
	    "(&(objectClass=dwSession)(|(dwSessionLastActivity<=%s)"
	    "(&(!(dwSessionLastActivity=*))"
	    "(|(dwSessionStart<=%s)(!(dwSessionStart=*))))))",
	    gt, gt);
	if (n < 0 || (size_t)n >= out->bv_len) {
		op->o_tmpfree(out->bv_val, op->o_tmpmemctx);
		BER_BVZERO(out);
		return -1;
	}
	out->bv_len = (ber_len_t)n;
	return 0;
}

/* Search one batch of idle sessions.  The backend's result code. */
static int
dramwell_purge_find(Operation *op, struct dramwell_purge *pg,
    struct berval *fstr, struct dramwell_purge_search *ps)
{
	struct dramwell_info *di = pg->pg_di;
	slap_callback own, cb = {0};
	SlapReply rs = {REP_RESULT};
	AttributeName an[4];

	memset(an, 0, sizeof(an));
	an[0].an_desc = dramwell_ses.user;
	an[0].an_name = dramwell_ses.user->ad_cname;
	an[1].an_desc = dramwell_ses.start;
	an[1].an_name = dramwell_ses.start->ad_cname;
	an[2].an_desc = dramwell_ses.last;
	an[2].an_name = dramwell_ses.last->ad_cname;

	dramwell_own_callback(&own);
	cb.sc_response = dramwell_purge_search_cb;
	cb.sc_private = ps;
	cb.sc_next = &own;
	op->o_tag = LDAP_REQ_SEARCH;
	op->o_callback = &cb;
	op->o_req_dn = di->di_session_base;
	op->o_req_ndn = di->di_session_nbase;
	op->ors_scope = LDAP_SCOPE_SUBTREE;
	op->ors_deref = LDAP_DEREF_NEVER;
	op->ors_limit = NULL;
	op->ors_slimit = DRAMWELL_PURGE_BATCH;
	op->ors_tlimit = SLAP_NO_LIMIT;
	op->ors_attrsonly = 0;
	op->ors_attrs = an;
	op->ors_filterstr = *fstr;
	op->ors_filter = str2filter_x(op, fstr->bv_val);
	if (op->ors_filter == NULL)
		return LDAP_OTHER;
	rs.sr_err = LDAP_OTHER;
	(void)pg->pg_be->be_search(op, &rs);
	filter_free_x(op, op->ors_filter, 1);
	op->ors_filter = NULL;
	return rs.sr_err;
}

/*
 * Delete one idle session, on condition that it is still idle (the
 * purge filter as an assertion), and audit it.  1: deleted.
 */
static int
dramwell_purge_one(Operation *op, struct dramwell_purge *pg,
    struct berval *fstr, struct dramwell_idle *h, unsigned timeout)
{
	char detail[DRAMWELL_PURGE_DETAIL];
	struct dramwell_event ev;
	slap_callback own;
	SlapReply rs = {REP_RESULT};
	Filter *f;

	f = str2filter_x(op, fstr->bv_val);
	if (f == NULL)
		return 0;
	dramwell_own_callback(&own);
	op->o_tag = LDAP_REQ_DELETE;
	op->o_callback = &own;
	op->o_req_dn = h->id_ndn;
	op->o_req_ndn = h->id_ndn;
	op->o_assertion = f;
	op->o_assert = SLAP_CONTROL_CRITICAL;
	rs.sr_err = LDAP_OTHER;
	(void)pg->pg_be->be_delete(op, &rs);
	op->o_assert = SLAP_CONTROL_NONE;
	op->o_assertion = NULL;
	filter_free_x(op, f, 1);
	if (rs.sr_err != LDAP_SUCCESS) {
		/* Refreshed meanwhile (assertion failed), gone already, or a
		 * real failure: the next run tries again. */
		if (rs.sr_err != LDAP_ASSERTION_FAILED &&
		    rs.sr_err != LDAP_NO_SUCH_OBJECT)
			Debug(LDAP_DEBUG_ANY,
			    "dramwell: session purge: cannot delete \"%s\" "
			    "(%d)\n",
			    h->id_ndn.bv_val, rs.sr_err);
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.ev_category = DW_AUDIT_CAT_AUTH;
	ev.ev_action = "session-timeout";
	ev.ev_target = h->id_user;
	ev.ev_result = LDAP_SUCCESS;
	if (h->id_idle >= 0)
		snprintf(detail, sizeof(detail),
		    "idle %lld s (timeout %u s): session ended",
		    (long long)h->id_idle, timeout);
	else
		snprintf(detail, sizeof(detail),
		    "no usable activity time: session ended");
	dramwell_event_detail(&ev, detail);
	op->o_callback = NULL;
	if (dramwell_audit_write(op, pg->pg_di, &ev) != LDAP_SUCCESS)
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: session purge: \"%s\" deleted, but its audit "
		    "entry could not be written\n",
		    h->id_ndn.bv_val);
	return 1;
}

static void
dramwell_purge_free(Operation *op, struct dramwell_purge_search *ps)
{
	int i;

	for (i = 0; i < ps->ps_n; i++) {
		op->o_tmpfree(ps->ps_hit[i].id_ndn.bv_val, op->o_tmpmemctx);
		if (!BER_BVISNULL(&ps->ps_hit[i].id_user))
			op->o_tmpfree(
			    ps->ps_hit[i].id_user.bv_val, op->o_tmpmemctx);
	}
	ps->ps_n = 0;
}

static void
dramwell_purge_run(void *ctx, struct dramwell_purge *pg)
{
	Connection conn = {0};
	OperationBuffer opbuf;
	Operation *op;
	struct dramwell_purge_search ps;
	struct dw_policy pol;
	struct berval fstr = BER_BVNULL;
	const char *text = NULL;
	BackendDB *be = pg->pg_be;
	int batch, i, rc, deleted = 0;

	connection_fake_init2(&conn, &opbuf, ctx, 0);
	op = &opbuf.ob_op;
	op->o_bd = be;
	op->o_dn = be->be_rootdn;
	op->o_ndn = be->be_rootndn;
	op->o_managedsait = SLAP_CONTROL_CRITICAL;
	op->o_do_not_cache = 1;
	slap_op_time(&op->o_time, &op->o_tincr);

	if (dramwell_ses_resolve() != 0) {
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: session purge: schema (dwSession) not loaded\n");
		return;
	}
	if (dramwell_policy_read(op, pg->pg_di, &pol, &text) != LDAP_SUCCESS)
		return; /* logged; the PAM module refuses idle sessions */
	memset(&ps, 0, sizeof(ps));
	ps.ps_now = slap_get_time();
	ps.ps_timeout = pol.idle_timeout;
	if (dramwell_purge_filter(op,
		ps.ps_now - (time_t)pol.idle_timeout, &fstr) != 0)
		return;
	for (batch = 0; batch < DRAMWELL_PURGE_BATCHES && !slapd_shutdown;
	     batch++) {
		rc = dramwell_purge_find(op, pg, &fstr, &ps);
		if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
			if (rc != LDAP_NO_SUCH_OBJECT)
				Debug(LDAP_DEBUG_ANY,
				    "dramwell: session purge: search below "
				    "\"%s\" failed (%d)\n",
				    pg->pg_di->di_session_base.bv_val, rc);
			break;
		}
		for (i = 0; i < ps.ps_n && !slapd_shutdown; i++)
			deleted += dramwell_purge_one(
			    op, pg, &fstr, &ps.ps_hit[i], ps.ps_timeout);
		i = ps.ps_n;
		dramwell_purge_free(op, &ps);
		if (rc == LDAP_SUCCESS || i == 0)
			break; /* that was the last batch */
		ldap_pvt_thread_yield();
	}
	op->o_tmpfree(fstr.bv_val, op->o_tmpmemctx);
	if (deleted > 0)
		Debug(LDAP_DEBUG_STATS,
		    "dramwell: session purge: %d idle sessions ended\n",
		    deleted);
}

static void *
dramwell_purge_fn(void *ctx, void *arg)
{
	struct re_s *rtask = arg;
	struct dramwell_purge *pg = rtask->arg;

	if (!SLAP_SINGLE_SHADOW(pg->pg_be))
		dramwell_purge_run(ctx, pg);
	dramwell_task_done(rtask, 0);
	return NULL;
}

int
dramwell_session_start(BackendDB *be)
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_purge *pg;

	if ((slapMode & SLAP_TOOL_MODE) || di == NULL || di->di_purge != NULL)
		return 0;
	if (dramwell_ses_resolve() != 0) {
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: object class dwSession not defined (include "
		    "dramwell.schema)\n");
		return -1;
	}
	pg = ch_calloc(1, sizeof(*pg));
	pg->pg_be = be->bd_self;
	pg->pg_di = di;
	pg->pg_task = dramwell_task_insert(be, DRAMWELL_PURGE_INTERVAL,
	    dramwell_purge_fn, pg, "dramwell_session_purge");
	if (pg->pg_task == NULL) {
		ch_free(pg);
		return -1;
	}
	di->di_purge = pg;
	return 0;
}

void
dramwell_session_stop(BackendDB *be)
{
	slap_overinst *on = (slap_overinst *)be->bd_info;
	struct dramwell_info *di = on->on_bi.bi_private;
	struct dramwell_purge *pg;

	if (di == NULL || (pg = di->di_purge) == NULL)
		return;
	dramwell_task_remove(pg->pg_task);
	di->di_purge = NULL;
	ch_free(pg);
}
