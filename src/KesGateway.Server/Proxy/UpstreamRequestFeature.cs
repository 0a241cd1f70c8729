namespace KesGateway.Server.Proxy;

/// <summary>Per request: which upstream the request is forwarded to and how many endpoints were tried.</summary>
internal sealed class UpstreamRequestFeature(string upstream)
{
    /// <summary>Gets the upstream cluster's name.</summary>
    public string Upstream { get; } = upstream;

    /// <summary>Gets or sets how many endpoints the request was sent to.</summary>
    public int Attempts { get; set; }
}
