using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using KesGateway.Core.Identity;

namespace KesGateway.Benchmarks;

/// <summary>
/// Per-request identity work: the identity of the TLS client certificate (every request) and API-key handling
/// (client start-up, config load).
/// </summary>
[MemoryDiagnoser]
public class IdentityBenchmarks
{
    private const string ApiKeyText = "kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QCW";

    private X509Certificate2 _ecdsaCertificate = null!;
    private X509Certificate2 _ed25519Certificate = null!;
    private X509Certificate2[] _chain = null!;
    private ApiKey _apiKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bench", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var withKey = request.CreateSelfSigned(now, now.AddDays(1));
        _ecdsaCertificate = X509CertificateLoader.LoadCertificate(withKey.RawData);

        _apiKey = ApiKey.Parse(ApiKeyText);
        _ed25519Certificate = ClientCertificateFactory.Create(_apiKey, TimeProvider.System).ToX509Certificate2();

        var caRequest = new CertificateRequest("CN=ca", key, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(now, now.AddDays(1));
        _chain = [_ecdsaCertificate, X509CertificateLoader.LoadCertificate(ca.RawData)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ecdsaCertificate.Dispose();
        _ed25519Certificate.Dispose();
        _chain[1].Dispose();
        _apiKey.Dispose();
    }

    [Benchmark]
    public KesIdentity CertificateIdentity_Ecdsa() => CertificateIdentity.Of(_ecdsaCertificate);

    [Benchmark]
    public KesIdentity CertificateIdentity_Ed25519() => CertificateIdentity.Of(_ed25519Certificate);

    [Benchmark]
    public KesIdentity CertificateIdentity_FromChainLeafAndCa() => CertificateIdentity.FromChain(_chain);

    [Benchmark]
    public KesIdentity ApiKey_Parse()
    {
        using var apiKey = ApiKey.Parse(ApiKeyText);
        return apiKey.Identity;
    }

    [Benchmark]
    public KesIdentity ApiKey_IdentityOfPublicKey() => ApiKey.IdentityOfPublicKey(_apiKey.PublicKey);
}
