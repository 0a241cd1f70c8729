using KesGateway.Server.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace KesGateway.Server.Proxy;

/// <summary>Registers forwarding to upstream KES clusters.</summary>
public static class KesProxyServiceCollectionExtensions
{
    /// <summary>
    /// Registers YARP with the upstreams as its configuration (<see cref="KesProxyConfigProvider"/>, a singleton to
    /// <see cref="KesProxyConfigProvider.Update"/> on reload), per-cluster HTTP clients with the gateway's client
    /// certificate, and health-change logging. The upstreams' TLS files are loaded here, so a bad one fails the start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="upstreams">The upstream clusters (<c>upstreams:</c>), possibly none.</param>
    /// <param name="identityHeaders">Request headers to strip besides the built-in identity headers, e.g. the configured proxy certificate header.</param>
    /// <returns>YARP's builder, for further YARP settings.</returns>
    /// <exception cref="ConfigException">An upstream cannot be served; the message names the field, e.g. <c>upstreams.a.tls.cert</c>.</exception>
    public static IReverseProxyBuilder AddKesProxy(this IServiceCollection services, IReadOnlyList<UpstreamConfig> upstreams, IEnumerable<string>? identityHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(upstreams);
        var provider = new KesProxyConfigProvider();
        provider.Update(upstreams, identityHeaders);

        services.AddSingleton(provider);
        services.AddSingleton<IProxyConfigProvider>(provider);
        services.AddSingleton<IConfigChangeListener>(provider);
        var builder = services.AddReverseProxy();

        // YARP adds data protection for session-affinity cookies, which the gateway never sets; its hosted service
        // would read (or create) a key ring under the user's profile at every start. Nothing else needs it.
        foreach (var keyRingWarmUp in services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
        {
            services.Remove(keyRingWarmUp);
        }

        services.RemoveAll<IForwarderHttpClientFactory>();
        services.AddSingleton<IForwarderHttpClientFactory, UpstreamHttpClientFactory>();
        DecorateHealthUpdater(services);
        return builder;
    }

    /// <summary>Puts <see cref="UpstreamHealthReporter"/> in front of YARP's health updater, which both health policies report to.</summary>
    private static void DecorateHealthUpdater(IServiceCollection services)
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IDestinationHealthUpdater) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("YARP registered no IDestinationHealthUpdater; the Yarp.ReverseProxy version is not the one this code was written for");
        services.Remove(inner);
        services.AddSingleton(sp => new UpstreamHealthReporter(Create(sp, inner), sp.GetRequiredService<ILogger<UpstreamHealthReporter>>()));
        services.AddSingleton<IDestinationHealthUpdater>(sp => sp.GetRequiredService<UpstreamHealthReporter>());

        static IDestinationHealthUpdater Create(IServiceProvider sp, ServiceDescriptor descriptor) => (IDestinationHealthUpdater)(
            descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!));
    }
}
