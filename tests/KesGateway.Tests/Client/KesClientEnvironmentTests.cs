using KesGateway.Core.Client;

namespace KesGateway.Tests.Client;

public sealed class KesClientEnvironmentTests
{
    [Fact]
    public void Lookup_SeveralSet_FirstInKesOrderWins()
    {
        var env = new Dictionary<string, string> { ["KES_SERVER"] = "b:7373", ["MINIO_KMS_KES_ENDPOINT"] = "c:7373", ["MINIO_KES_SERVER"] = "a:7373" };

        var found = KesClientEnvironment.Lookup(KesClientEnvironment.Server, env.GetValueOrDefault);

        Assert.Equal(("MINIO_KES_SERVER", "a:7373"), found);
    }

    [Fact]
    public void Lookup_SetButEmpty_StillWins()
    {
        // kes uses os.LookupEnv: a variable set to "" hides the ones after it.
        var env = new Dictionary<string, string> { ["MINIO_KES_API_KEY"] = string.Empty, ["KES_API_KEY"] = "kes:v1:x" };

        var found = KesClientEnvironment.Lookup(KesClientEnvironment.ApiKey, env.GetValueOrDefault);

        Assert.Equal(("MINIO_KES_API_KEY", string.Empty), found);
    }

    [Fact]
    public void Lookup_NoneSet_Null()
    {
        Assert.Null(KesClientEnvironment.Lookup(KesClientEnvironment.CertificateFile, _ => null));
    }

    [Fact]
    public void Names_AreKesNamesInKesOrder()
    {
        Assert.Equal(["MINIO_KES_SERVER", "KES_SERVER", "MINIO_KMS_KES_ENDPOINT"], KesClientEnvironment.Server);
        Assert.Equal(["MINIO_KES_API_KEY", "KES_API_KEY", "MINIO_KMS_KES_API_KEY"], KesClientEnvironment.ApiKey);
        Assert.Equal(["MINIO_KES_KEY_FILE", "KES_CLIENT_KEY", "MINIO_KES_CLIENT_KEY"], KesClientEnvironment.PrivateKeyFile.Take(3));
        Assert.Equal(["MINIO_KES_CERT_FILE", "KES_CLIENT_CERT", "MINIO_KES_CLIENT_CERT"], KesClientEnvironment.CertificateFile.Take(3));
        Assert.Equal("127.0.0.1:7373", KesClientEnvironment.DefaultServer);
    }
}
