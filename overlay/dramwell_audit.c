/*
 * dramwell_audit.c: one audit event becomes one entry
 *   dwAuditId=<id>,<audit base>   (objectClass dwAuditEvent)
 * written by an internal add, as the audit database's rootdn, marked as
 * the overlay's own so that no dramwell instance audits or refuses it.
 * The audit base entry (ou=...) is created on the first noSuchObject.
 *
 * The chain (dw_auditlog.h): every entry this server writes carries the
 * hash of its canonical form and of its predecessor's hash.  One chain
 * per (audit base, server id) in the process, whichever dramwell
 * instance writes: a registry of chains, each with a mutex held from the
 * choice of the id to the end of the add, so that the chain's order is
 * the ids' order.  The ids' time never goes back within a chain (a clock
 * stepped back gives ids 1 microsecond apart until it catches up).  The
 * newest entry (id and hash) is loaded from the database by the first
 * write after a start; until that search succeeds, audit writes fail
 * (fail closed).
 */
#include "dramwell.h"

#include <stdatomic.h>
#include <sys/time.h>

#include "dw_audit.h"
#include "dw_auditlog.h"
#include "dw_time.h"

struct dramwell_chain {
	struct berval ch_nbase; /* the audit base, normalised */
	unsigned ch_server_id;
	ldap_pvt_thread_mutex_t ch_mutex;
	int ch_loaded;
	char ch_prev[DW_AUDIT_HASH_LEN + 1]; /* hash of the newest entry */
	struct timeval ch_last;		     /* time of its id */
	struct dramwell_chain *ch_next;
};

static ldap_pvt_thread_mutex_t dramwell_chains_mutex;
static struct dramwell_chain *dramwell_chains;

/* Seconds the newest entry may lie ahead of the clock at a start. */
#define DRAMWELL_AUDIT_SKEW 60

/* How far back the head search looks first, widening (seconds; 0: all). */
static const time_t dramwell_head_windows[] = {86400, 40 * 86400, 0};

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
dramwell_audit_initialize(void)
{
	ldap_pvt_thread_mutex_init(&dramwell_chains_mutex);
}

/* The chain of di's audit base and server id (created on first use). */
static struct dramwell_chain *
dramwell_chain_get(struct dramwell_info *di)
{
	struct dramwell_chain *ch;

	ldap_pvt_thread_mutex_lock(&dramwell_chains_mutex);
	for (ch = dramwell_chains; ch != NULL; ch = ch->ch_next)
		if (ch->ch_server_id == di->di_server_id &&
		    dn_match(&ch->ch_nbase, &di->di_audit_nbase))
			break;
	if (ch == NULL) {
		ch = ch_calloc(1, sizeof(*ch));
		ber_dupbv(&ch->ch_nbase, &di->di_audit_nbase);
		ch->ch_server_id = di->di_server_id;
		ldap_pvt_thread_mutex_init(&ch->ch_mutex);
		ch->ch_next = dramwell_chains;
		dramwell_chains = ch;
	}
	ldap_pvt_thread_mutex_unlock(&dramwell_chains_mutex);
	return ch;
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

/* --- the chain's head ------------------------------------------------ */

struct dramwell_head {
	unsigned hd_server_id;
	int hd_found;
	int hd_hashed; /* the newest entry has a well-formed hash */
	char hd_id[DW_AUDIT_ID_MAX];
	char hd_hash[DW_AUDIT_HASH_LEN + 1];
};

struct berval *
dramwell_audit_chain_entry(
    Entry *e, unsigned server_id, char hash[DW_AUDIT_HASH_LEN + 1])
{
	struct dramwell_schema *s = &dramwell_schema;
	Attribute *a;
	struct berval *id;
	unsigned sid;

	a = attr_find(e->e_attrs, s->ad_dwAuditId);
	if (a == NULL || a->a_numvals != 1)
		return NULL;
	id = &a->a_vals[0];
	if (id->bv_len >= DW_AUDIT_ID_MAX ||
	    dw_audit_id_parse(id->bv_val, id->bv_len, &sid) != DW_OK ||
	    sid != server_id)
		return NULL;
	if (hash != NULL) {
		hash[0] = '\0';
		a = attr_find(e->e_attrs, s->ad_dwAuditHash);
		if (a != NULL && a->a_numvals == 1 &&
		    dw_audit_hash_valid(a->a_vals[0].bv_val, a->a_vals[0].bv_len))
			memcpy(hash, a->a_vals[0].bv_val, DW_AUDIT_HASH_LEN + 1);
	}
	return id;
}

static int
dramwell_head_cb(Operation *op, SlapReply *rs)
{
	struct dramwell_head *hd = op->o_callback->sc_private;
	char hash[DW_AUDIT_HASH_LEN + 1];
	struct berval *id;

	if (rs->sr_type != REP_SEARCH || rs->sr_entry == NULL ||
	    (id = dramwell_audit_chain_entry(
		 rs->sr_entry, hd->hd_server_id, hash)) == NULL)
		return 0;
	/* Ids of one chain have one length: strcmp orders them by time. */
	if (hd->hd_found && strcmp(id->bv_val, hd->hd_id) <= 0)
		return 0;
	memcpy(hd->hd_id, id->bv_val, id->bv_len + 1);
	hd->hd_found = 1;
	hd->hd_hashed = hash[0] != '\0';
	memcpy(hd->hd_hash, hash, sizeof(hd->hd_hash));
	return 0;
}

/* One search for the head, among entries at or after since (0: all). */
static int
dramwell_head_search(Operation *op, struct dramwell_info *di,
    BackendDB *be, time_t since, struct dramwell_head *hd)
{
	struct dramwell_schema *s = &dramwell_schema;
	Operation op2 = {0};
	SlapReply rs2 = {REP_RESULT};
	slap_callback own, cb = {0};
	AttributeName an[3];
	char fbuf[128], gt[DW_GENTIME_MAX];
	int n;

	if (since == 0)
		n = snprintf(fbuf, sizeof(fbuf), "(objectClass=dwAuditEvent)");
	else if (dw_gentime_format(since, -1, gt, sizeof(gt)) != DW_OK)
		return LDAP_OTHER;
	else
		n = snprintf(fbuf, sizeof(fbuf),
		    "(&(objectClass=dwAuditEvent)(dwAuditTime>=%s))", gt);
	if (n < 0 || (size_t)n >= sizeof(fbuf))
		return LDAP_OTHER;
	memset(an, 0, sizeof(an));
	an[0].an_desc = s->ad_dwAuditId;
	an[0].an_name = s->ad_dwAuditId->ad_cname;
	an[1].an_desc = s->ad_dwAuditHash;
	an[1].an_name = s->ad_dwAuditHash->ad_cname;

	dramwell_own_callback(&own);
	cb.sc_response = dramwell_head_cb;
	cb.sc_private = hd;
	cb.sc_next = &own;
	op2.o_hdr = op->o_hdr;
	op2.o_tag = LDAP_REQ_SEARCH;
	op2.o_bd = be;
	op2.o_dn = be->be_rootdn;
	op2.o_ndn = be->be_rootndn;
	op2.o_callback = &cb;
	op2.o_req_dn = di->di_audit_base;
	op2.o_req_ndn = di->di_audit_nbase;
	op2.o_managedsait = SLAP_CONTROL_CRITICAL;
	op2.o_do_not_cache = 1;
	op2.ors_scope = LDAP_SCOPE_ONELEVEL;
	op2.ors_deref = LDAP_DEREF_NEVER;
	op2.ors_limit = NULL;
	op2.ors_slimit = SLAP_NO_LIMIT;
	op2.ors_tlimit = SLAP_NO_LIMIT;
	op2.ors_attrsonly = 0;
	op2.ors_attrs = an;
	slap_op_time(&op2.o_time, &op2.o_tincr);
	ber_str2bv_x(fbuf, n, 1, &op2.ors_filterstr, op->o_tmpmemctx);
	op2.ors_filter = str2filter_x(&op2, fbuf);
	if (op2.ors_filter == NULL) {
		op->o_tmpfree(op2.ors_filterstr.bv_val, op->o_tmpmemctx);
		return LDAP_OTHER;
	}
	rs2.sr_err = LDAP_OTHER;
	(void)be->be_search(&op2, &rs2);
	filter_free_x(&op2, op2.ors_filter, 1);
	op->o_tmpfree(op2.ors_filterstr.bv_val, op->o_tmpmemctx);
	return rs2.sr_err;
}

/* Load ch's head from the database (ch->ch_mutex held). */
static int
dramwell_chain_load(
    Operation *op, struct dramwell_info *di, struct dramwell_chain *ch)
{
	struct dramwell_head hd;
	BackendDB *be = select_backend(&di->di_audit_nbase, 0);
	time_t now = slap_get_time();
	size_t i;
	int rc = LDAP_UNAVAILABLE;

	if (be == NULL || be->be_search == NULL)
		return rc;
	memset(&hd, 0, sizeof(hd));
	hd.hd_server_id = ch->ch_server_id;
	for (i = 0; i < sizeof(dramwell_head_windows) /
			    sizeof(dramwell_head_windows[0]);
	     i++) {
		time_t w = dramwell_head_windows[i];

		rc = dramwell_head_search(op, di, be, w ? now - w : 0, &hd);
		if (rc == LDAP_NO_SUCH_OBJECT) {
			rc = LDAP_SUCCESS; /* no base yet: a new log */
			break;
		}
		if (rc != LDAP_SUCCESS || hd.hd_found)
			break;
	}
	if (rc != LDAP_SUCCESS) {
		Debug(LDAP_DEBUG_ANY,
		    "dramwell: cannot find the newest audit entry below "
		    "\"%s\" (%d): audit writes fail until it is found\n",
		    di->di_audit_base.bv_val, rc);
		return rc;
	}
	strcpy(ch->ch_prev, DW_AUDIT_GENESIS);
	memset(&ch->ch_last, 0, sizeof(ch->ch_last));
	if (hd.hd_found) {
		time_t t;
		long usec;

		if (hd.hd_hashed)
			strcpy(ch->ch_prev, hd.hd_hash);
		else
			Debug(LDAP_DEBUG_ANY,
			    "dramwell: the newest audit entry \"%s\" has no "
			    "valid hash: the chain restarts at genesis "
			    "(dwadm audit verify reports it)\n",
			    hd.hd_id);
		if (dw_audit_id_time(hd.hd_id, strlen(hd.hd_id), &t, &usec) ==
		    DW_OK) {
			ch->ch_last.tv_sec = t;
			ch->ch_last.tv_usec = usec;
		}
		/* A head dated in the future (a clock that ran ahead, or an
		 * entry added offline) would date every later entry with its
		 * time: ids follow the clock again instead (dwadm audit
		 * verify reports the future entry and the break). */
		if (ch->ch_last.tv_sec > now + DRAMWELL_AUDIT_SKEW) {
			Debug(LDAP_DEBUG_ANY,
			    "dramwell: the newest audit entry \"%s\" is "
			    "dated in the future: new ids follow the clock\n",
			    hd.hd_id);
			memset(&ch->ch_last, 0, sizeof(ch->ch_last));
		}
	}
	ch->ch_loaded = 1;
	return LDAP_SUCCESS;
}

/* --- one entry --------------------------------------------------------- */

static void
dramwell_bytes_str(struct dw_bytes *b, const char *s)
{
	b->p = s;
	b->len = s != NULL ? strlen(s) : 0;
}

static void
dramwell_bytes_bv(struct dw_bytes *b, const struct berval *bv)
{
	b->p = bv->bv_val;
	b->len = bv->bv_val != NULL ? bv->bv_len : 0;
}

/* The chain hash of the entry dramwell_audit_entry builds. */
static int
dramwell_audit_hash(const struct dramwell_event *ev, const char *id,
    const char *gt, const char *result, const char *addr, const char *prev,
    char hash[DW_AUDIT_HASH_LEN + 1])
{
	struct dw_bytes detail[DRAMWELL_DETAIL_MAX];
	struct dw_audit_rec r;
	int i;

	memset(&r, 0, sizeof(r));
	dramwell_bytes_str(&r.id, id);
	dramwell_bytes_str(&r.time, gt);
	dramwell_bytes_str(&r.category, ev->ev_category);
	dramwell_bytes_str(&r.action, ev->ev_action);
	dramwell_bytes_bv(&r.actor, &ev->ev_actor);
	dramwell_bytes_bv(&r.target, &ev->ev_target);
	dramwell_bytes_str(&r.result, result);
	dramwell_bytes_str(&r.client, addr);
	dramwell_bytes_bv(&r.onbehalf, &ev->ev_onbehalf);
	dramwell_bytes_str(&r.anchor, ev->ev_anchor);
	dramwell_bytes_str(&r.prev, prev);
	for (i = 0; i < ev->ev_ndetail; i++)
		dramwell_bytes_str(&detail[i], ev->ev_detail[i]);
	r.detail = detail;
	r.ndetail = (size_t)ev->ev_ndetail;
	return dw_audit_hash(&r, hash);
}

/* Build the entry of ev at time tv after prev; NULL on failure. */
static Entry *
dramwell_audit_entry(Operation *op, struct dramwell_info *di,
    const struct dramwell_event *ev, const struct timeval *tv,
    const char *prev, char hash[DW_AUDIT_HASH_LEN + 1])
{
	struct dramwell_schema *s = &dramwell_schema;
	char id[DW_AUDIT_ID_MAX], gt[DW_GENTIME_MAX], addr[DW_ADDR_MAX];
	char result[16];
	struct berval dn = BER_BVNULL;
	const char *peer = NULL;
	size_t peerlen = 0;
	unsigned long seq;
	Entry *e = NULL;
	int i, n;

	seq = atomic_fetch_add(&dramwell_seq, 1);
	if (dw_audit_id_format(tv->tv_sec, (long)tv->tv_usec, di->di_server_id,
		seq, id, sizeof(id)) != 0 ||
	    dw_gentime_format(tv->tv_sec, (long)tv->tv_usec, gt, sizeof(gt)) !=
		0)
		goto fail;
	if (op->o_conn != NULL) {
		peer = op->o_conn->c_peer_name.bv_val;
		peerlen = op->o_conn->c_peer_name.bv_len;
	}
	/* The address the login rules use (the end user's, when a trusted
	 * portal host relays it); else what the peer is ("ldapi"). */
	if (ev->ev_client != NULL && strlen(ev->ev_client) < sizeof(addr))
		strcpy(addr, ev->ev_client);
	else
		dramwell_client_addr(op, di, addr, sizeof(addr));
	if (addr[0] == '\0' &&
	    dw_peer_to_addr(peer, peerlen, addr, sizeof(addr)) != 0)
		goto fail;
	n = snprintf(result, sizeof(result), "%d", ev->ev_result);
	if (n < 0 || (size_t)n >= sizeof(result))
		goto fail;
	if (dramwell_audit_hash(ev, id, gt, result, addr, prev, hash) != DW_OK)
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
	    dramwell_merge_str(e, s->ad_dwAuditClient, addr) ||
	    dramwell_merge(e, s->ad_dwAuditOnBehalfOf, ev->ev_onbehalf.bv_val,
		ev->ev_onbehalf.bv_len) ||
	    dramwell_merge_str(e, s->ad_dwAuditAnchor, ev->ev_anchor) ||
	    dramwell_merge_str(e, s->ad_dwAuditPrevHash, prev) ||
	    dramwell_merge_str(e, s->ad_dwAuditHash, hash))
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

/* The time of the next id of ch: now, or just after the last one. */
static void
dramwell_chain_time(struct dramwell_chain *ch, struct timeval *tv)
{
	if (gettimeofday(tv, NULL) != 0 || !timercmp(tv, &ch->ch_last, >)) {
		*tv = ch->ch_last;
		if (++tv->tv_usec >= 1000000) {
			tv->tv_usec = 0;
			tv->tv_sec++;
		}
	}
}

int
dramwell_audit_write(
    Operation *op, struct dramwell_info *di, const struct dramwell_event *ev)
{
	struct dramwell_chain *ch = dramwell_chain_get(di);
	char hash[DW_AUDIT_HASH_LEN + 1];
	struct timeval tv;
	Entry *e;
	int rc = LDAP_OTHER, tries, created = 0;

	ldap_pvt_thread_mutex_lock(&ch->ch_mutex);
	if (!ch->ch_loaded && (rc = dramwell_chain_load(op, di, ch)) !=
				  LDAP_SUCCESS)
		goto out;
	for (tries = 0; tries < DRAMWELL_AUDIT_TRIES; tries++) {
		dramwell_chain_time(ch, &tv);
		e = dramwell_audit_entry(op, di, ev, &tv, ch->ch_prev, hash);
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
		if (rc == LDAP_SUCCESS) {
			ch->ch_last = tv;
			memcpy(ch->ch_prev, hash, sizeof(ch->ch_prev));
		}
		if (rc != LDAP_ALREADY_EXISTS)
			break;
		ch->ch_last = tv; /* an id of an earlier run: step past it */
	}
out:
	ldap_pvt_thread_mutex_unlock(&ch->ch_mutex);
	if (rc != LDAP_SUCCESS)
		Debug(LDAP_DEBUG_ANY,
		    "%s dramwell: audit write under \"%s\" "
		    "failed (%d) for %s of \"%s\"\n",
		    op->o_log_prefix, di->di_audit_base.bv_val, rc,
		    ev->ev_action,
		    ev->ev_target.bv_val ? ev->ev_target.bv_val : "");
	return rc;
}
