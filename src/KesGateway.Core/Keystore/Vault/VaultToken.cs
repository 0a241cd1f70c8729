namespace KesGateway.Core.Keystore.Vault;

/// <summary>A Vault token as a login or renewal returned it.</summary>
/// <param name="Value">The token (a credential).</param>
/// <param name="Ttl">Its lifetime when obtained; zero means it never expires.</param>
/// <param name="Renewable">Whether <c>renew-self</c> can extend it.</param>
/// <param name="ObtainedAt">When it was obtained, on the keystore's clock.</param>
/// <param name="NeedsLogin">Whether the renewal loop must log in at once (a failed or capped renewal).</param>
internal sealed record VaultToken(string Value, TimeSpan Ttl, bool Renewable, DateTimeOffset ObtainedAt, bool NeedsLogin = false)
{
    /// <inheritdoc/>
    public override string ToString() => $"VaultToken {{ Ttl = {Ttl}, Renewable = {Renewable}, ObtainedAt = {ObtainedAt:O}, NeedsLogin = {NeedsLogin} }}";
}
