#!/usr/bin/env bash
# A throwaway certificate authority and a server certificate for localhost / 127.0.0.1, for the TLS listeners of the
# local test servers (valid two days, never used outside a test run).
#   test-ca.sh DIR   -> DIR/ca.crt, DIR/server.crt, DIR/server.key (PEM)
set -euo pipefail
dir=$(mkdir -p "${1:?folder}" && cd "$1" && pwd)
[ -s "$dir/server.crt" ] && exit 0
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ledgerbridge test CA" \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$dir/server.ext"
openssl x509 -req -days 2 -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
  -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
chmod 600 "$dir/server.key" "$dir/ca.key"
