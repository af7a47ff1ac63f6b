#!/bin/sh
# gen-ldif.sh SLAPTEST SCHEMADIR dramwell.schema
# Convert the slapd.conf-form schema into the cn=config LDIF that
# "ldapadd -Y EXTERNAL -H ldapi:/// -f dramwell.ldif" loads.
set -eu
slaptest=$1
schemadir=$2
schema=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/s.conf" <<CONF
include $schemadir/core.schema
include $schemadir/cosine.schema
include $schemadir/inetorgperson.schema
include $schema
CONF
mkdir "$tmp/d"
"$slaptest" -f "$tmp/s.conf" -F "$tmp/d" >/dev/null 2>"$tmp/err" || {
	cat "$tmp/err" >&2
	exit 1
}
f=$(ls "$tmp"/d/cn=config/cn=schema/cn=\{*\}dramwell.ldif)
printf '# Generated from dramwell.schema by gen-ldif.sh; do not edit.\n'
# Drop slaptest's CRC comment and operational attributes; name the entry
# for loading with ldapadd.
sed -e '/^#/d' \
    -e 's/^dn: cn={[0-9]*}dramwell$/dn: cn=dramwell,cn=schema,cn=config/' \
    -e 's/^cn: {[0-9]*}dramwell$/cn: dramwell/' \
    -e '/^structuralObjectClass:/d' -e '/^entryUUID:/d' \
    -e '/^creatorsName:/d' -e '/^createTimestamp:/d' -e '/^entryCSN:/d' \
    -e '/^modifiersName:/d' -e '/^modifyTimestamp:/d' "$f"
