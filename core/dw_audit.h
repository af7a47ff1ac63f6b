/*
 * dw_audit.h: audit record vocabulary and identifiers.
 *
 * An audit entry is dwAuditId=<id>,<audit base>.  The id sorts by time:
 *   YYYYMMDDHHMMSSuuuuuu-SSS-NNNNNNNNNN
 * (UTC time to the microsecond, 3-digit server id, 10-digit sequence).
 */
#ifndef DW_AUDIT_H
#define DW_AUDIT_H

#include <stddef.h>
#include <time.h>
#include "dw_err.h"

#define DW_AUDIT_ID_MAX		40	/* buffer size that always suffices */
#define DW_ADDR_MAX		64	/* "ldapi", an IPv4 or IPv6 address */

#define DW_AUDIT_CAT_AUTH	"authentication"
#define DW_AUDIT_CAT_ACCESS	"data-access"
#define DW_AUDIT_CAT_CONFIG	"configuration"
#define DW_AUDIT_CAT_DESTRUCT	"destructive"

/* DW_ERR_RANGE unless usec is 0..999999, server_id 0..999, seq
 * 0..9999999999 and the year 0000..9999; DW_ERR_TOOLONG if out is too
 * small. */
int dw_audit_id_format(time_t t, long usec, unsigned server_id,
    unsigned long seq, char *out, size_t outsz);

/*
 * The client address for an audit record, from slapd's peer name
 * ("IP=127.0.0.1:389", "IP=[::1]:389", "PATH=/run/ldapi", "" ...):
 * the bare address, "ldapi" for a local socket, "unknown" otherwise.
 * Pure string work: no slapd types.  The address is checked and written
 * in canonical form (inet_ntop); anything malformed is "unknown".  Fails
 * only with DW_ERR_TOOLONG (out too small) or DW_ERR_INVAL (out NULL).
 */
int dw_peer_to_addr(const char *peer, size_t len, char *out, size_t outsz);

#endif
