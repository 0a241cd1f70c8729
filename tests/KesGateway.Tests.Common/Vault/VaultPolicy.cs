namespace KesGateway.Tests.Common.Vault;

/// <summary>A named ACL policy: its HCL text and the rules parsed from it.</summary>
internal sealed class VaultPolicy
{
    public VaultPolicy(string name, string text)
    {
        Name = name;
        Text = text;
        Rules = VaultHclPolicyParser.Parse(text);
    }

    public string Name { get; }

    public string Text { get; }

    public IReadOnlyList<VaultPolicyRule> Rules { get; }

    /// <summary>Our own wording of Vault's built-in default policy: token self-service only.</summary>
    public const string DefaultPolicyText = """
        # Lets a token look itself up, renew itself and revoke itself.
        path "auth/token/lookup-self" {
            capabilities = ["read"]
        }
        path "auth/token/renew-self" {
            capabilities = ["update"]
        }
        path "auth/token/revoke-self" {
            capabilities = ["update"]
        }
        path "sys/capabilities-self" {
            capabilities = ["update"]
        }
        """;
}
