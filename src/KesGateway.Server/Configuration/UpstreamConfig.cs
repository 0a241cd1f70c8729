using System.Collections.Immutable;
using System.Text;

namespace KesGateway.Server.Configuration;

/// <summary>An upstream KES cluster (<c>upstreams.&lt;name&gt;</c>): the servers a tenant's forwarded calls go to.</summary>
public sealed record UpstreamConfig
{
    /// <summary>Gets the cluster's name, as tenants refer to it.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the servers' base addresses (<c>https://host:port</c>), load-balanced with failover.</summary>
    public required ImmutableArray<Uri> Endpoints { get; init; }

    /// <summary>Gets the TLS settings the gateway uses towards the cluster.</summary>
    public UpstreamTlsConfig Tls { get; init; } = new();

    /// <summary>Gets the health checks.</summary>
    public HealthCheckConfig Health { get; init; } = new();

    /// <summary>Gets how long an upstream may stay silent on a forwarded call before the gateway gives up (504).</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>How the gateway connects to an upstream (<c>upstreams.&lt;name&gt;.tls</c>); <see cref="ToString"/> never shows the password.</summary>
public sealed record UpstreamTlsConfig
{
    /// <summary>Gets the PEM certificate the gateway presents as its identity at the upstream, or <see langword="null"/> for none.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Gets the PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; init; }

    /// <summary>Gets the password of a legacy-encrypted PEM key, if any.</summary>
    public string? Password { get; init; }

    /// <summary>Gets a file or directory of PEM CA certificates the upstream's certificate must chain to; <see langword="null"/> = the system roots.</summary>
    public string? CaPath { get; init; }

    /// <summary>Gets a value indicating whether the upstream's certificate is accepted without verification (tests only; logged as a warning).</summary>
    public bool SkipVerify { get; init; }

    /// <summary>Gets the name checked against the upstream's certificate instead of each endpoint's host, or <see langword="null"/>.</summary>
    public string? ServerName { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("CertificatePath = ").Append(CertificatePath)
            .Append(", KeyPath = ").Append(KeyPath)
            .Append(", Password = ").Append(string.IsNullOrEmpty(Password) ? string.Empty : "<redacted>")
            .Append(", CaPath = ").Append(CaPath)
            .Append(", SkipVerify = ").Append(SkipVerify)
            .Append(", ServerName = ").Append(ServerName);
        return true;
    }
}

/// <summary>Active and passive health checks of an upstream's endpoints (<c>upstreams.&lt;name&gt;.health</c>).</summary>
public sealed record HealthCheckConfig
{
    /// <summary>Gets a value indicating whether endpoints are probed in the background.</summary>
    /// <value>Default on.</value>
    public bool Active { get; init; } = true;

    /// <summary>Gets the path probed: <c>/v1/ready</c> or <c>/v1/status</c> (any 2xx is healthy).</summary>
    /// <value>Default <c>/v1/ready</c>.</value>
    public string Path { get; init; } = "/v1/ready";

    /// <summary>Gets the time between probes.</summary>
    /// <value>Default 10 seconds.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets how long a probe may take.</summary>
    /// <value>Default 5 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets a value indicating whether failed forwarded calls mark an endpoint unhealthy until <see cref="Reactivation"/> passes.</summary>
    /// <value>Default on.</value>
    public bool Passive { get; init; } = true;

    /// <summary>Gets how long an endpoint that failed forwarded calls stays out of rotation.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan Reactivation { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>What a TLS connection whose SNI names no tenant gets (<c>gateway.unknown_hosts</c>).</summary>
public enum UnknownHostPolicy
{
    /// <summary>It is served by the default tenant (the top-level sections), as KES serves any name.</summary>
    Default,

    /// <summary>The handshake is refused; connections without SNI (IP literals) still reach the default tenant.</summary>
    Refuse,
}
