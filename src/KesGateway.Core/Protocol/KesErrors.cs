namespace KesGateway.Core.Protocol;

/// <summary>The catalogue of KES error answers (kes-compat §3, vectors/errors.json); one place for every text.</summary>
public static class KesErrors
{
    /// <summary>403: the identity is unknown or its policy refuses the path.</summary>
    public static readonly KesError NotAuthorized = new(403, "not authorized: insufficient permissions");

    /// <summary>404: no key of that name.</summary>
    public static readonly KesError KeyNotFound = new(404, "key does not exist");

    /// <summary>400 (not 409, for compatibility): create or import of an existing name.</summary>
    public static readonly KesError KeyExists = new(400, "key already exists");

    /// <summary>404: no policy of that name.</summary>
    public static readonly KesError PolicyNotFound = new(404, "policy does not exist");

    /// <summary>404: the identity is neither admin nor assigned to a policy.</summary>
    public static readonly KesError IdentityNotFound = new(404, "identity does not exist");

    /// <summary>400: the ciphertext cannot be parsed or authenticated.</summary>
    public static readonly KesError DecryptionFailed = new(400, "decryption failed: ciphertext is not authentic");

    /// <summary>400: the peer presented no non-CA certificate.</summary>
    public static readonly KesError ClientCertificateRequired = new(400, "tls: client certificate is required");

    /// <summary>400: the peer presented more than one non-CA certificate.</summary>
    public static readonly KesError TooManyClientCertificates = new(400, "tls: received more than one client certificate");

    /// <summary>400: the request arrived without TLS.</summary>
    public static readonly KesError TlsRequired = new(400, "insecure connection: TLS is required");

    /// <summary>400: the JSON body of encrypt, generate, decrypt or hmac could not be decoded or was too large.</summary>
    public static readonly KesError InvalidRequestBody = new(400, "invalid request body");

    /// <summary>400: the body of import could not be decoded or was too large.</summary>
    public static readonly KesError InvalidImportBody = new(400, "invalid import key request body");

    /// <summary>409: the key was stored without an HMAC key (legacy JSON key versions).</summary>
    public static readonly KesError HmacNotSupported = new(409, "key does not support HMAC");

    /// <summary>500: the random number generator or a crypto primitive failed in create or generate.</summary>
    public static readonly KesError GenerateKeyFailed = new(500, "failed to generate encryption key");

    /// <summary>500: encryption failed for a reason other than the input.</summary>
    public static readonly KesError EncryptFailed = new(500, "failed to encrypt plaintext");

    /// <summary>500: decryption failed for a reason other than authentication.</summary>
    public static readonly KesError DecryptFailed = new(500, "failed to decrypt ciphertext");

    /// <summary>502: the keystore failed while creating or importing a key.</summary>
    public static readonly KesError CreateKeyFailed = new(502, "failed to create key");

    /// <summary>502: the keystore failed while reading a key, or the stored value is corrupt.</summary>
    public static readonly KesError ReadKeyFailed = new(502, "failed to read key");

    /// <summary>502: the keystore failed while deleting a key.</summary>
    public static readonly KesError DeleteKeyFailed = new(502, "failed to delete key");

    /// <summary>502: the keystore failed while listing keys.</summary>
    public static readonly KesError ListKeysFailed = new(502, "failed to list keys");

    /// <summary>502: <c>/v1/ready</c> found the keystore answering but unusable.</summary>
    public static readonly KesError KeyStoreUnavailable = new(502, "key store is unavailable");

    /// <summary>504: <c>/v1/ready</c> could not reach the keystore.</summary>
    public static readonly KesError KeyStoreUnreachable = new(504, "key store is not reachable");

    /// <summary>400: bulk decrypt received more ciphertexts than KES allowed (1000).</summary>
    public static readonly KesError TooManyCiphertexts = new(400, "too many ciphertexts");

    /// <summary>405: the route expects another method; the answer also carries <c>Accept: &lt;expected&gt;</c>.</summary>
    public static KesError MethodNotAllowed(string received, string expected) =>
        new(405, $"received method '{received}' expected '{expected}'");

    /// <summary>400: an invalid key name in a <c>/v1/key/…/&lt;name&gt;</c> route.</summary>
    public static KesError InvalidKeyName(string name) =>
        new(400, $"key name '{name}' is empty, too long or contains invalid characters");

    /// <summary>400: an invalid policy name.</summary>
    public static KesError InvalidPolicyName(string name) =>
        new(400, $"policy name '{name}' is empty, too long or contains invalid characters");

    /// <summary>400: an invalid identity in <c>/v1/identity/describe/</c>.</summary>
    public static KesError InvalidIdentity(string identity) =>
        new(400, $"identity '{identity}' is empty, too long or contains invalid characters");

    /// <summary>400: an invalid listing pattern.</summary>
    public static KesError InvalidPattern(string pattern) =>
        new(400, $"listing pattern '{pattern}' is empty, too long or is invalid");

    /// <summary>406: import with a cipher KES does not know (the cipher is echoed as sent).</summary>
    public static KesError AlgorithmNotSupported(string cipher) => new(406, $"algorithm '{cipher}' is not supported");

    /// <summary>406: import with a key that is not 32 bytes long.</summary>
    public static KesError InvalidKeySize(string cipher) => new(406, $"invalid key size for '{cipher}'");
}
