namespace KesGateway.Core.Keystore.Vault;

/// <summary>The API version of Vault's K/V secrets engine; it must match the mount, Vault is not asked.</summary>
public enum VaultKvVersion
{
    /// <summary>K/V version 1: keys at <c>&lt;engine&gt;/&lt;prefix&gt;/&lt;name&gt;</c>.</summary>
    V1 = 1,

    /// <summary>K/V version 2: keys under <c>&lt;engine&gt;/data/</c>, listed and deleted through <c>&lt;engine&gt;/metadata/</c>.</summary>
    V2 = 2,
}
