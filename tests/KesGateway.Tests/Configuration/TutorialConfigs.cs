namespace KesGateway.Tests.Configuration;

/// <summary>The config snippets of the KES Vault tutorial (shared/spec/seed-vault-tutorial.md), copied as printed (trailing spaces dropped).</summary>
internal static class TutorialConfigs
{
    /// <summary>"KES Server Setup", step 3: config.yml with its placeholders still empty.</summary>
    public const string Step3 = """
        admin:
          # Use the identity generated above by 'kes identity new'.
          identity: "" # For example: cf6c535e738c1dd47a1d746366fde7f0309d1e0a8471b9f6e909833906afbbfa

        tls:
          key: private.key    # The KES server TLS private key
          cert: public.crt    # The KES server TLS certificate

        keystore:
           vault:
             endpoint: https://127.0.0.1:8200
             version:  v1 # The K/V engine version - either "v1" or "v2".
             engine:   kv # The engine path of the K/V engine. The default is "kv".
             approle:
               id:     "" # Your AppRole ID
               secret: "" # Your AppRole Secret
        """;

    /// <summary>"Configuration References", YAML overview: <c>my-app:</c> is indented under <c>minio-server:</c> by mistake.</summary>
    public const string Reference = """
        address: 0.0.0.0:7373
        root: ${ROOT_IDENTITY}

        tls:
          key: kes-server.key
          cert: kes-server.cert

        api:
          /v1/ready:
            skip_auth: false
            timeout:   15s

        policy:
          minio-server:
            allow:
            - /v1/key/create/*
            - /v1/key/generate/*
            - /v1/key/decrypt/*
            - /v1/key/bulk/decrypt
            - /v1/key/list/*
            - /v1/status
            - /v1/metrics
            - /v1/log/audit
            - /v1/log/error
            deny:
            - /v1/key/generate/my-app-internal*
            - /v1/key/decrypt/my-app-internal*
            identities:
            - ${MINIO_IDENTITY}

            my-app:
            allow:
            - /v1/key/create/my-app*
            - /v1/key/generate/my-app*
            - /v1/key/decrypt/my-app*
            deny:
            - /v1/key/generate/my-app-internal*
            - /v1/key/decrypt/my-app-internal*
            identities:
            - df7281ca3fed4ef7d06297eb7cb9d590a4edc863b4425f4762bb2afaebfd3258
            - c0ecd5962eaf937422268b80a93dde4786dc9783fb2480ddea0f3e5fe471a731

        keys:
          - name: "minio-encryption-key-alpha"
          - name: "minio-encryption-key-baker"
          - name: "minio-encryption-key-charlie"

        cache:
          expiry:
            any: 5m0s
            unused: 20s
            offline: 0s

        log:

          # Log error events to STDERR. Valid values are "on" or "off".
          # Default is "on".
          error: on

          # Log audit events to STDOUT. Valid values are "on" and "off".
          # Default is "off".
          audit: off

        keystore:
          vault:
            endpoint: ""
            engine: ""
            version: ""
            namespace: ""
            prefix: ""
            transit:
              engine: ""
              key: ""
            approle:
              namespace: ""
              engine: ""
              id: ""
              secret: ""
            kubernetes:
              namespace: ""
              engine: ""
              role: ""
              jwt:  ""
            tls:
              key: ""
              cert: ""
              ca: ""
            status:
              ping: 10s
        """;
}
