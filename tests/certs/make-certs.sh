#!/bin/sh
# Regenerates the test PKI of the mock server (tests/mock_server.c).
# The generated PEM files are committed, so the tests never need openssl;
# run this only to rebuild them:  sh tests/certs/make-certs.sh
#
#   ca.pem / ca.key                 the test CA (the trust anchor of the tests)
#   server.pem / server.key         DNS:localhost, IP:127.0.0.1, signed by the CA
#   wrong-name.pem / .key           DNS:wrong.example only, signed by the CA
#   expired.pem / .key              localhost + 127.0.0.1, signed by the CA,
#                                   valid from 2000-01-01 to 2001-01-01
#   unknown-ca.pem / .key           localhost + 127.0.0.1, signed by a second
#                                   CA that no test trusts (other-ca.pem)
#   ip.pem / .key                   IP addresses only: 127.0.0.1, ::1,
#                                   2001:db8::10 and ::ffff:192.0.2.10,
#                                   signed by the CA
#   name-only.pem / .key            DNS:localhost only (no IP address),
#                                   signed by the CA
#
# With leaf names as arguments (sh tests/certs/make-certs.sh ip name-only),
# only those are made again, signed by the CAs already there.
#
# EC P-256 keys and ECDSA-SHA256 signatures. Every certificate but the
# expired one is valid for 100 years (until 2126), so none can run out while
# the project lives. Uses `openssl ca` because it is the one openssl 3.0
# command that sets an arbitrary start date (-startdate/-enddate).
set -eu
cd "$(dirname "$0")"
command -v openssl >/dev/null || { echo "make-certs: openssl is needed" >&2; exit 1; }

DAYS=36500
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

newkey() {  # newkey FILE
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# A self-signed CA: selfca NAME "CN"
selfca() {
  newkey "$1.key"
  openssl req -x509 -new -sha256 -key "$1.key" -days $((DAYS + 1)) -subj "/O=odeus_auth tests/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out "$1.pem"
}

# A database for `openssl ca`, one per signing CA.
cadir() {  # cadir NAME
  mkdir -p "$WORK/$1"
  : > "$WORK/$1/index.txt"
  openssl rand -hex 16 > "$WORK/$1/serial"
}

# leaf CA OUT SAN START END: a server certificate signed by CA.
leaf() {
  ca=$1 out=$2 san=$3 start=$4 end=$5
  newkey "$out.key"
  openssl req -new -sha256 -key "$out.key" -subj "/O=odeus_auth tests/CN=$out" -out "$WORK/$out.csr"
  cat > "$WORK/$out.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $WORK/$ca/index.txt
serial = $WORK/$ca/serial
new_certs_dir = $WORK/$ca
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
organizationName = optional
commonName = supplied
[ server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
  openssl ca -batch -notext -config "$WORK/$out.cnf" -extensions server \
    -cert "$ca.pem" -keyfile "$ca.key" -startdate "$start" -enddate "$end" \
    -in "$WORK/$out.csr" -out "$out.pem" 2>/dev/null
}

NOW=$(date -u +%Y%m%d%H%M%SZ)
LATER=$(date -u -d "+$DAYS days" +%Y%m%d%H%M%SZ)

cadir ca
cadir other-ca
want() { [ $# -eq 0 ] || case " $ONLY " in *" $1 "*) return 0 ;; esac; [ -z "$ONLY" ]; }
ONLY="$*"
if [ -z "$ONLY" ]; then
  selfca ca "odeus_auth test CA"
  selfca other-ca "odeus_auth unknown CA"
fi
want server && leaf ca server "DNS:localhost,IP:127.0.0.1" "$NOW" "$LATER"
want wrong-name && leaf ca wrong-name "DNS:wrong.example" "$NOW" "$LATER"
want expired && leaf ca expired "DNS:localhost,IP:127.0.0.1" 20000101000000Z 20010101000000Z
want unknown-ca && leaf other-ca unknown-ca "DNS:localhost,IP:127.0.0.1" "$NOW" "$LATER"
want ip && leaf ca ip "IP:127.0.0.1,IP:::1,IP:2001:db8::10,IP:::ffff:192.0.2.10" "$NOW" "$LATER"
want name-only && leaf ca name-only "DNS:localhost" "$NOW" "$LATER"

chmod 644 ./*.key ./*.pem
for c in server wrong-name expired unknown-ca ip name-only; do
  openssl x509 -in $c.pem -noout -subject -enddate -ext subjectAltName 2>/dev/null | tr '\n' ' '
  echo
done
