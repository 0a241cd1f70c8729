using System.Collections.Immutable;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// The credentials and tokens this client has held, so every message leaving it can be checked for them. Vault never
/// echoes them in its errors; this is the second line of defence, should a proxy or a future Vault do so.
/// </summary>
internal sealed class VaultSecrets
{
    private const string Redacted = "<redacted>";

    // Short values (a test's "s1") would redact ordinary words; real secret ids, JWTs and tokens are far longer.
    private const int MinimumLength = 6;
    private const int MaximumRemembered = 64;

    private ImmutableList<string> _secrets = [];

    /// <summary>Remembers <paramref name="secret"/>; empty and very short values are ignored.</summary>
    public void Add(string? secret)
    {
        if (secret is null || secret.Length < MinimumLength)
        {
            return;
        }

        ImmutableInterlocked.Update(ref _secrets, list =>
        {
            if (list.Contains(secret))
            {
                return list;
            }

            list = list.Add(secret);
            return list.Count > MaximumRemembered ? list.RemoveAt(0) : list;
        });
    }

    /// <summary>Returns <paramref name="text"/> with every remembered secret replaced by <c>&lt;redacted&gt;</c>.</summary>
    public string Scrub(string text)
    {
        foreach (var secret in Volatile.Read(ref _secrets))
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Redacted, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
