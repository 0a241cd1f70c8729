#!/bin/sh
# The tutorial's "Setup KES Access to Vault" steps, run once against the dev Vault (VAULT_ADDR, VAULT_TOKEN set by
# compose.yaml). Safe to run again: what already exists is kept. Writes role-id and secret-id to /vault-creds.
set -eu

# 3. Enable K/V backend (v1, as MinIO recommends).
vault secrets list | grep -q '^kv/' || vault secrets enable -version=1 kv

# 1.-2. Create the Vault policy (the K/V v1 one) and write it.
vault policy write kes-policy /init/kes-policy.hcl

# 2. Enable authentication.
vault auth list | grep -q '^approle/' || vault auth enable approle

# 3.-4. Create the KES role and bind the policy to it.
vault write auth/approle/role/kes-server token_num_uses=0 secret_id_num_uses=0 period=5m
vault write auth/approle/role/kes-server policies=kes-policy

# 5.-6. Role ID and secret ID, for kesgw (as files, never in a log line).
umask 077
vault read -field=role_id auth/approle/role/kes-server/role-id > /vault-creds/role-id
vault write -f -field=secret_id auth/approle/role/kes-server/secret-id > /vault-creds/secret-id
chown 1654:1654 /vault-creds/role-id /vault-creds/secret-id    # the kesgw image's user
echo "vault-init: kv (v1), kes-policy and AppRole kes-server ready; role-id and secret-id written"
