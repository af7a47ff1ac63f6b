/*
 * dw_exop.h: the object identifiers of DramWell's LDAP extended
 * operations, shared by the overlay (server side), the PAM module and
 * dwadm (clients).  Arc: 2.25.145692219182018795104315938007758473821.3.
 *
 * dwAcceptInvite  .3.1  SEQUENCE { token OCTET STRING,
 *                                  newPassword OCTET STRING }
 *                       anonymous; no response value.
 * dwMfaEnroll     .3.2  SEQUENCE { user OCTET STRING (the admin's DN),
 *                                  password OCTET STRING,
 *                                  secret OCTET STRING (base32),
 *                                  code OCTET STRING (6 digits) }
 *                       any identity (the request carries the
 *                       credentials); the account must be active, the
 *                       address allowed, not locked, MFA not yet enabled.
 *                       Response: SEQUENCE OF OCTET STRING, the ten
 *                       recovery codes (shown once).
 * dwMfaRecovery   .3.3  no request value; bound as an admin with MFA
 *                       enabled: replaces the recovery codes.  Response
 *                       as for dwMfaEnroll.
 * dwMfaReset      .3.4  SEQUENCE { user OCTET STRING (the admin's DN) }
 *                       needs admin-users:write (the rootdn may); clears
 *                       the user's secret, last step and recovery codes.
 */
#ifndef DW_EXOP_H
#define DW_EXOP_H

#define DW_OID_ARC		"2.25.145692219182018795104315938007758473821"
#define DW_OID_ACCEPT_INVITE	DW_OID_ARC ".3.1"
#define DW_OID_MFA_ENROLL	DW_OID_ARC ".3.2"
#define DW_OID_MFA_RECOVERY	DW_OID_ARC ".3.3"
#define DW_OID_MFA_RESET	DW_OID_ARC ".3.4"

/* The LDAP Session Tracking control (draft-wahl-ldap-session-03), as
 * libldap names it: LDAP_CONTROL_X_SESSION_TRACKING. */
#define DW_OID_SESSION_TRACKING	"1.3.6.1.4.1.21008.108.63.1"

#endif
