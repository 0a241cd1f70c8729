using System.Security.Cryptography.X509Certificates;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Proxy;

/// <summary>A temporary directory with the gateway's client certificate and an upstream CA as PEM files.</summary>
internal sealed class UpstreamFiles : IDisposable
{
    public UpstreamFiles()
    {
        Path = Directory.CreateTempSubdirectory("kesgw-upstream-").FullName;
        WriteClient(TestCertificates.CreateClient("CN=kes-gateway"));
        CaPath = Write("ca.pem", TestCertificates.Authority("Upstream CA").ExportCertificatePem());
    }

    public string Path { get; }

    public string CertificatePath => File("gateway.cert");

    public string KeyPath => File("gateway.key");

    public string CaPath { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var file = File(name);
        System.IO.File.WriteAllText(file, content);
        return file;
    }

    /// <summary>Writes <paramref name="certificate"/> (with key) as the gateway's client certificate files.</summary>
    public void WriteClient(X509Certificate2 certificate)
    {
        Write("gateway.cert", certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        Write("gateway.key", key.ExportPkcs8PrivateKeyPem());
    }

    public UpstreamConfig Upstream(string name = "a", params string[] endpoints) => new()
    {
        Name = name,
        Endpoints = [.. (endpoints.Length == 0 ? ["https://kes-1:7373"] : endpoints).Select(e => new Uri(e))],
        Tls = new UpstreamTlsConfig { CertificatePath = CertificatePath, KeyPath = KeyPath, CaPath = CaPath },
    };

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
