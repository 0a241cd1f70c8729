using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Proxy;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>The gateway's client certificate towards upstreams, written as PEM files the way an operator would.</summary>
internal sealed class GatewayIdentity : IDisposable
{
    public GatewayIdentity(string subject = "CN=kes-gateway")
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kesgw-proxy-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Certificate = TestCertificates.CreateClient(subject);
        CertificatePath = Write("gateway.cert", Certificate.ExportCertificatePem());
        using var key = Certificate.GetECDsaPrivateKey()!;
        KeyPath = Write("gateway.key", key.ExportPkcs8PrivateKeyPem());
    }

    public string Directory { get; }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>Gets the KES identity the upstream computes for the gateway.</summary>
    public string Identity => CertificateIdentity.Of(Certificate).Value;

    /// <summary>TLS settings presenting this identity and trusting <paramref name="upstreamCertificates"/> (none: the system roots).</summary>
    public UpstreamTlsConfig Tls(params X509Certificate2[] upstreamCertificates) => new()
    {
        CertificatePath = CertificatePath,
        KeyPath = KeyPath,
        CaPath = upstreamCertificates.Length == 0
            ? null
            : Write($"ca-{Guid.NewGuid():N}.pem", string.Concat(upstreamCertificates.Select(c => c.ExportCertificatePem() + "\n"))),
    };

    /// <summary>
    /// An upstream of <paramref name="servers"/> that trusts their certificates; health checks are off so each test
    /// decides which endpoint is up (they have their own tests).
    /// </summary>
    public UpstreamConfig UpstreamOf(string name, params KesUpstreamDouble[] servers) => new()
    {
        Name = name,
        Endpoints = [.. servers.Select(s => s.Address)],
        Tls = Tls([.. servers.Select(s => s.Certificate)]),
        Health = new HealthCheckConfig { Active = false, Passive = false },
    };

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Directory, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        Certificate.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
