namespace KesGateway.Core.Keystore.Vault;

/// <summary>What <c>sys/health</c> said about the node.</summary>
/// <param name="Initialized">Whether Vault is initialised.</param>
/// <param name="Sealed">Whether Vault is sealed.</param>
internal sealed record VaultHealth(bool Initialized, bool Sealed);
