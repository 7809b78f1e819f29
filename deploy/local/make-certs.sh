#!/bin/sh
# Makes a cluster CA and one certificate per node, with openssl only.
#
#   deploy/local/make-certs.sh OUT_DIR NODE[,SAN...] ...
#
# NODE is the node's id; its certificate names it (DNS:NODE), localhost and 127.0.0.1, plus any
# SAN you add: the address its peers and clients dial must be among them, since they check it.
#   deploy/local/make-certs.sh tls us-east,DNS:qw-0.qw.example.net eu-west,IP:10.1.2.3
# Rerun with new names to add nodes: an existing CA in OUT_DIR is reused, never replaced.
# Keys are unencrypted PKCS#8 (what node.yaml's tls.key expects): keep them 0600.
set -eu
if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
out=$1
shift
mkdir -p "$out"
umask 077
days_ca=3650
days_node=${QW_CERT_DAYS:-825}
if [ ! -f "$out/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days "$days_ca" \
    -subj "/CN=quorumwatch cluster CA" -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
  echo "made $out/ca.crt (the cluster CA: tls.ca on every node; keep $out/ca.key offline)"
fi
for spec in "$@"; do
  name=${spec%%,*}
  extra=
  case $spec in *,*) extra=",${spec#*,}" ;; esac
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj "/CN=$name" \
    -keyout "$out/$name.key" -out "$out/$name.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1%s\nextendedKeyUsage=serverAuth,clientAuth\n' \
    "$name" "$extra" > "$out/$name.ext"
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -days "$days_node" -extfile "$out/$name.ext" -out "$out/$name.crt" 2>/dev/null
  rm -f "$out/$name.csr" "$out/$name.ext"
  echo "made $out/$name.crt and $out/$name.key (tls.cert and tls.key of node $name)"
done
