namespace KesGateway.Server.Endpoints;

/// <summary>What a route demands of its caller before the handler runs.</summary>
public enum RouteAuth
{
    /// <summary>Nothing: no identity is computed (<c>/version</c>).</summary>
    None,

    /// <summary>The caller is identified if it presented a certificate; no policy check (<c>skip_auth</c>, self-describe).</summary>
    IdentifyOnly,

    /// <summary>The caller must be the admin or have a policy that allows the path.</summary>
    Policy,
}
