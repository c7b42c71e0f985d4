# SPDX-License-Identifier: Apache-2.0
# lib-slapd.sh - a private slapd for the directory tests and benchmark,
# sourced after lib.sh: Debian's slapd, unprivileged, on loopback ports,
# in $T/slapd, with an Active-Directory-like schema
# (tests/data/directory/ad.schema), a generated tree
# (tests/data/directory/make-ldif.py) loaded with slapadd before the start
# (the fastest way to load thousands of entries), a server size limit of
# 1,000 entries (a search must page, as with Active Directory), and
# ldaps with a test CA.
#
#	fm_start_slapd USERS DEPARTMENTS
#
# sets SLAPD_PID, SLAPD_PORT (ldap://, StartTLS), SLAPDS_PORT (ldaps://),
# SLAPD_DIR; the server's certificate names "localhost" only, the CA is
# $SLAPD_DIR/ca.crt, another CA that did not sign it $SLAPD_DIR/other-ca.crt
# (and not 127.0.0.1: ldaps://127.0.0.1 is a name mismatch).
# The sync binds as cn=followme,ou=Services,dc=example,dc=test with the
# password "sync-secret"; the tests change entries as the rootdn
# (cn=admin, "admin-secret") with fm_ldapmodify.

SLAPD_BASE="dc=example,dc=test"

fm_slapd_pki() {
	local d=$1 names
	# libldap checks a "localhost" URI against the name 127.0.0.1
	# resolves back to: the certificate names that too.
	names="DNS:localhost"
	for n in $(python3 -c 'import socket; print(socket.gethostbyaddr("127.0.0.1")[0])' 2>/dev/null) $(hostname); do
		names="$names,DNS:$n"
	done
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.crt" -days 30 -subj "/CN=Followme Test Directory CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/other-ca.key" -out "$d/other-ca.crt" -days 30 -subj "/CN=Another CA" \
		-addext "basicConstraints=critical,CA:TRUE" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=localhost" 2>/dev/null &&
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 30 -out "$d/server.crt" -extfile <(printf \
		"basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=$names\n") 2>/dev/null
}

fm_start_slapd() {
	local users=$1 depts=$2 d
	SLAPD_DIR="$T/slapd"
	d=$SLAPD_DIR
	mkdir -p "$d/db" && chmod 755 "$d"
	command -v slapd >/dev/null || PATH=$PATH:/usr/sbin
	command -v slapd >/dev/null || fm_skip "slapd is not installed (apt-get install slapd ldap-utils)"
	fm_slapd_pki "$d" || fm_die "cannot make the test CA"
	cp "$FM_SRC/tests/data/directory/ad.schema" "$d/"
	cat > "$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $d/ad.schema
pidfile $d/slapd.pid
argsfile $d/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile $d/ca.crt
TLSCertificateFile $d/server.crt
TLSCertificateKeyFile $d/server.key
sizelimit size.soft=1000 size.hard=1000 size.pr=1000 size.prtotal=unlimited
database mdb
maxsize 1073741824
suffix "$SLAPD_BASE"
rootdn "cn=admin,$SLAPD_BASE"
rootpw admin-secret
directory $d/db
index objectClass eq
index sAMAccountName eq
index uid eq
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
CONF
	python3 "$FM_SRC/tests/data/directory/make-ldif.py" "$users" "$depts" > "$d/tree.ldif" ||
		fm_die "cannot generate the tree"
	slapadd -q -f "$d/slapd.conf" -l "$d/tree.ldif" > "$T/log/slapadd.log" 2>&1 ||
		{ cat "$T/log/slapadd.log" >&2; fm_die "slapadd failed"; }
	SLAPD_PORT=$(fm_free_port) || fm_die "no free port"
	SLAPDS_PORT=$(fm_free_port) || fm_die "no free port"
	# -d 0: in the foreground, so that its pid is ours to stop.
	slapd -d 0 -f "$d/slapd.conf" \
		-h "ldap://127.0.0.1:$SLAPD_PORT/ ldaps://127.0.0.1:$SLAPDS_PORT/" \
		> "$T/log/slapd.log" 2>&1 &
	SLAPD_PID=$!
	for _ in $(seq 1 100); do
		if ldapsearch -x -LLL -H "ldap://127.0.0.1:$SLAPD_PORT/" -b "$SLAPD_BASE" -s base dn \
			-D "cn=admin,$SLAPD_BASE" -w admin-secret >/dev/null 2>&1; then
			return 0
		fi
		fm_pid_alive "$SLAPD_PID" || { cat "$T/log/slapd.log" >&2; fm_die "slapd exited at start"; }
		sleep 0.1
	done
	fm_die "slapd did not answer"
}

# fm_ldapmodify < LDIF: change the tree as the rootdn.
fm_ldapmodify() {
	ldapmodify -x -H "ldap://127.0.0.1:$SLAPD_PORT/" -D "cn=admin,$SLAPD_BASE" \
		-w admin-secret >/dev/null
}
