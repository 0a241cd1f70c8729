namespace KesGateway.Core.Identity;

/// <summary>The key algorithm of a generated certificate.</summary>
public enum CertificateKeyType
{
    /// <summary>ECDSA on P-256: loadable by .NET, so a KesGateway server can use the pair.</summary>
    Ecdsa,

    /// <summary>Ed25519, exactly what <c>kes identity new</c> creates; the private key is also an API key.</summary>
    Ed25519,
}
