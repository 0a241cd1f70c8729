#!/bin/sh
# The tutorial's "KES Server Setup" steps 1-2 with kesgw: a server key and certificate, and API keys for the admin and
# for MinIO, written once to /certs (kept on later runs). Runs as root in the kesgw image; hands the files to its user.
set -eu
cd /certs
umask 077

if [ ! -f server.cert ]; then
  # ECDSA P-256 (kesgw's default; .NET cannot serve TLS with Ed25519), valid for the names MinIO and you dial.
  kesgw identity new --key server.key --cert server.cert --dns kesgw --dns localhost --ip 127.0.0.1 kesgw
fi

for who in admin minio; do
  if [ ! -f "$who.apikey" ]; then
    json=$(kesgw identity new --json)
    echo "$json" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' > "$who.apikey"
    echo "$json" | sed -n 's/.*"identity":"\([^"]*\)".*/\1/p' > "$who.identity"
  fi
done

chmod 0644 server.cert admin.identity minio.identity
chmod 0640 server.key admin.apikey minio.apikey
chown 1654:1654 server.key server.cert admin.apikey admin.identity minio.apikey minio.identity
echo "kesgw-init: server certificate and API keys ready in /certs; admin identity $(cat admin.identity)"
