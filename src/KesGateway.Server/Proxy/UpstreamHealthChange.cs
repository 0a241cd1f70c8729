using Yarp.ReverseProxy.Model;

namespace KesGateway.Server.Proxy;

/// <summary>An endpoint's health changed.</summary>
/// <param name="Upstream">The cluster.</param>
/// <param name="Endpoint">The endpoint's address.</param>
/// <param name="Health">The new health.</param>
/// <param name="Active">Whether the active (probe) or the passive (forwarded traffic) check decided.</param>
internal readonly record struct UpstreamHealthChange(string Upstream, string Endpoint, DestinationHealth Health, bool Active);
