using KesGateway.Core.Keystore;
using KesGateway.Core.Policy;
using KesGateway.Server.Hosting;

namespace KesGateway.Server.Endpoints;

/// <summary>The per-request facts the pipeline establishes, in order: route, identity, decision.</summary>
public sealed class KesRequestFeature
{
    /// <summary>Creates the feature for a matched route.</summary>
    public KesRequestFeature(TenantState state, KesRoute route, string path, string resource)
    {
        State = state;
        Route = route;
        Path = path;
        Resource = resource;
    }

    /// <summary>Gets the tenant's state snapshot this request is served with, taken once when it arrived.</summary>
    public TenantState State { get; }

    /// <summary>Gets the tenant's key cache; only native routes ask, and a tenant serves routes natively only with a keystore.</summary>
    public KeyCache Keys => State.Keys ?? throw new InvalidOperationException($"tenant '{State.Name}' has no keystore");

    /// <summary>Gets the tenant's keystore (see <see cref="Keys"/>).</summary>
    public IKeyStore KeyStore => State.KeyStore ?? throw new InvalidOperationException($"tenant '{State.Name}' has no keystore");

    /// <summary>Gets the matched route.</summary>
    public KesRoute Route { get; }

    /// <summary>Gets the percent-decoded request path; policies match against it.</summary>
    public string Path { get; }

    /// <summary>Gets the percent-decoded rest of the path after a subtree route (a key, policy, identity or pattern).</summary>
    public string Resource { get; }

    /// <summary>Gets or sets the caller's identity, once authentication has run and found one.</summary>
    public string? Identity { get; set; }

    /// <summary>Gets or sets the authorization decision, once the policy check has run.</summary>
    public PolicyDecision? Decision { get; set; }
}
