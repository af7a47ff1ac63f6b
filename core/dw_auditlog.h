/*
 * dw_auditlog.h: the audit log's tamper-evident chain, its CSV form and
 * the time filters of a query.  Pure functions: no slapd, no libldap.
 *
 * The chain.  Every audit entry carries dwAuditHash, the BLAKE2b-256
 * (libsodium crypto_generichash, no key) of its canonical form, and
 * dwAuditPrevHash, the dwAuditHash of the entry before it written by the
 * same server (the chain is per server id, the "-SSS-" part of the id).
 * The first entry of a chain has the genesis hash (64 zeros) as its
 * predecessor.  Hashes are written as 64 lower-case hex digits.
 *
 * The canonical form (what is hashed) is the byte string
 *
 *   "dwaudit-v1\n"
 *   then for each field, in this order:
 *     id time category action actor target result client onbehalf anchor
 *     detail... (each value, sorted bytewise, shorter prefix first)
 *     prev
 *   one record  TAG ':' LEN ':' VALUE '\n'
 *   with TAG one letter (i t c a A T r C o k d p, in the order above)
 *   and LEN the value's length in decimal; an absent field is written
 *   with length 0.
 *
 * Length prefixes make the form unambiguous for any bytes; sorting the
 * details makes it independent of the order a server returns values in.
 *
 * A retention purge first writes a checkpoint entry (action
 * "retention-purge") whose dwAuditAnchor is "<id> <hash>": the id and
 * dwAuditHash of the newest entry of the same chain it is about to
 * remove.  Entries at or before that id are then deleted; the oldest
 * entry kept names that hash as its predecessor, so the chain verifies
 * from the anchor on.
 */
#ifndef DW_AUDITLOG_H
#define DW_AUDITLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "dw_audit.h"
#include "dw_err.h"

#define DW_AUDIT_HASH_LEN	64	/* hex digits of a hash */
#define DW_AUDIT_HASH_BYTES	32
#define DW_AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define DW_AUDIT_PURGE_ACTION	"retention-purge"

/* Bytes that need not be NUL-terminated; p may be NULL when len is 0. */
struct dw_bytes {
	const char	*p;
	size_t		 len;
};

/* The fields of one audit entry, as stored. */
struct dw_audit_rec {
	struct dw_bytes		 id, time, category, action, actor, target,
				 result, client, onbehalf, anchor, prev;
	const struct dw_bytes	*detail;
	size_t			 ndetail;
};

/*
 * The hash of r (its canonical form; r->prev is part of it) as 64 hex
 * digits and a NUL in out.  DW_ERR_INVAL if r or out is NULL,
 * DW_ERR_NOMEM, DW_ERR_CRYPTO.
 */
int dw_audit_hash(const struct dw_audit_rec *r,
    char out[DW_AUDIT_HASH_LEN + 1]);

/* Is s[0..len) a hash: exactly 64 lower-case hex digits? */
bool dw_audit_hash_valid(const char *s, size_t len);

/* Is s[0..len) one of the four categories (DW_AUDIT_CAT_*)? */
bool dw_audit_category_valid(const char *s, size_t len);

/*
 * May a reporter (dwadm audit record, the portal) name this action?
 * 1..64 of a-z 0-9 . _ -, starting with a letter, and not one of the
 * actions the server records itself (bind, logout, retention-purge,
 * ...), so that a report can never imitate the server's own events.
 */
bool dw_audit_action_reportable(const char *s, size_t len);

/*
 * Parse an audit id (the form dw_audit_id_format writes): DW_OK and the
 * server id in *server_id (may be NULL), DW_ERR_INVAL otherwise.
 */
int dw_audit_id_parse(const char *s, size_t len, unsigned *server_id);

/* The time an audit id claims: DW_OK with the seconds in *t and the
 * microseconds in *usec (either may be NULL), DW_ERR_INVAL for anything
 * that is not an id. */
int dw_audit_id_time(const char *s, size_t len, time_t *t, long *usec);

/*
 * Parse a checkpoint's dwAuditAnchor "<id> <hash>": DW_OK with the id
 * copied to id (NUL-terminated, idsz >= DW_AUDIT_ID_MAX suffices) and
 * the hash to hash (65 bytes), DW_ERR_INVAL otherwise.
 */
int dw_audit_anchor_parse(const char *s, size_t len, char *id, size_t idsz,
    char hash[DW_AUDIT_HASH_LEN + 1]);

/*
 * Chain verification.  The caller reduces every entry of the log to a
 * link (computing hash_ok with dw_audit_hash), sorts the links with
 * dw_audit_link_cmp (by server id, then id) and calls
 * dw_audit_chain_check once per server id with that chain's links.
 */
struct dw_audit_link {
	char		id[DW_AUDIT_ID_MAX];
	unsigned	server_id;
	bool		has_hash;	/* dwAuditHash and dwAuditPrevHash
					 * present and well-formed */
	bool		hash_ok;	/* stored dwAuditHash == recomputed */
	char		hash[DW_AUDIT_HASH_LEN + 1];
	char		prev[DW_AUDIT_HASH_LEN + 1];
	bool		is_checkpoint;	/* has a well-formed dwAuditAnchor */
	char		anchor_id[DW_AUDIT_ID_MAX];
	char		anchor_hash[DW_AUDIT_HASH_LEN + 1];
};

int dw_audit_link_cmp(const void *a, const void *b);

enum dw_audit_fault {
	DW_AUDIT_INTACT = 0,
	DW_AUDIT_NO_HASH,	/* the entry has no (well-formed) hash: it was
				 * added or edited outside the server */
	DW_AUDIT_ALTERED,	/* its content does not match its hash */
	DW_AUDIT_INSERTED,	/* it does not belong between its neighbours:
				 * the entry after it names the entry before
				 * it as predecessor */
	DW_AUDIT_GAP,		/* its predecessor is missing: one or more
				 * entries before it were removed */
};

/* A short English text for f; never NULL. */
const char *dw_audit_fault_str(enum dw_audit_fault f);

struct dw_audit_verdict {
	enum dw_audit_fault	fault;
	size_t			index;	  /* the first faulty link */
	size_t			checked;  /* links verified */
	size_t			pending;  /* links at or before the latest
					   * checkpoint's anchor, awaiting
					   * purge (verified like the rest) */
};

/*
 * Verify one chain: links[0..n) of one server id, sorted.  Every link is
 * verified.  The oldest names genesis, or the anchor of the newest
 * checkpoint anchoring an older id (what a purge removed); when it awaits
 * purge itself (a round stopped half-way), the check starts from it.
 * Fills *v and returns DW_OK (v->fault says
 * whether the chain is intact); DW_ERR_INVAL on NULL arguments or links
 * of more than one server id.
 */
int dw_audit_chain_check(const struct dw_audit_link *links, size_t n,
    struct dw_audit_verdict *v);

/*
 * CSV (RFC 4180): cells separated by ',', rows ended by CRLF, every cell
 * that holds a comma, a quote, CR or LF quoted with quotes doubled.  A
 * cell that starts with '=', '+', '-', '@', TAB or CR is neutralised
 * against spreadsheet formula injection: it is written with a leading
 * apostrophe (') and quoted.  Bytes are written as they are (the
 * directory holds UTF-8).  DW_ERR_IO if writing fails, DW_ERR_INVAL on
 * NULL arguments.
 */
int dw_csv_row(FILE *f, const struct dw_bytes *cells, size_t n);

/*
 * A point in time for a query filter: an absolute date "YYYY-MM-DD"
 * (midnight UTC), "YYYY-MM-DDTHH:MM:SSZ", a GeneralizedTime
 * "YYYYMMDDHHMMSSZ", or a duration before now: a positive integer and one
 * unit, s m h d w ("7d", "12h").  DW_ERR_INVAL on anything else (empty,
 * signs, spaces, unknown units, invalid dates such as 2026-02-30),
 * DW_ERR_RANGE on overflow.
 */
int dw_timespec_parse(const char *s, time_t now, time_t *out);

#endif
