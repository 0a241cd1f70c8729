using KesGateway.Server.Configuration;
using YamlDotNet.RepresentationModel;

namespace KesGateway.FunctionalTests.Deploy;

/// <summary>deploy/kubernetes: the kustomizations, their resources and the configs they mount. kubectl cannot run here.</summary>
public sealed class KubernetesTests
{
    public static TheoryData<string> Kustomizations => new("deploy/kubernetes/standalone", "deploy/kubernetes/sidecar");

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomization_EveryResourceAndGeneratedFile_Exists_AndParses(string dir)
    {
        var kustomization = DeployFiles.Yaml(dir + "/kustomization.yaml");
        var resources = kustomization.Items("resources").Select(Scalar).ToArray();
        var generated = kustomization.Items("configMapGenerator").SelectMany(g => g.Items("files")).Select(Scalar).ToArray();

        Assert.NotEmpty(resources);
        Assert.All(resources.Concat(generated), file => Assert.True(File.Exists(DeployFiles.PathOf($"{dir}/{file}")), $"{dir}: '{file}' does not exist"));
        var listed = resources.Concat(generated).Append("kustomization.yaml").Order(StringComparer.Ordinal);
        var present = Directory.GetFiles(DeployFiles.PathOf(dir)).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(listed, present!);
        Assert.All(Objects(dir), o => Assert.False(string.IsNullOrEmpty(o.Text("metadata", "name")), $"{o.Text("kind")} without a name"));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomization_ConfigLoads_AndEveryVariableComesFromTheEnvironment(string dir)
    {
        var config = DeployFiles.LoadConfig(dir + "/config.yml");
        var (pod, container) = Kesgw(dir);
        var env = container.Items("env").Select(e => e.Text("name")!).ToHashSet(StringComparer.Ordinal);
        var envFrom = container.Items("envFrom").Select(e => e.Text("configMapRef", "name") ?? e.Text("secretRef", "name")).ToArray();

        Assert.All(DeployFiles.Placeholders(dir + "/config.yml"), name => Assert.True(env.Contains(name) || envFrom.Length > 0, $"{dir}: ${{{name}}} is set by neither env nor envFrom"));
        Assert.True(config.Api["/v1/ready"].SkipAuth, "the readiness probe presents no client certificate");
        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.NotNull(vault.Kubernetes);
        Assert.Contains(DeployFiles.ServiceAccountToken, File.ReadAllText(DeployFiles.PathOf(dir + "/config.yml")), StringComparison.Ordinal);
        Assert.NotNull(vault.Kubernetes.JwtFile);
        Assert.False(string.IsNullOrEmpty(pod.Text("serviceAccountName")));

        // Every file the config names lies in a directory mount (never subPath, which never sees Secret updates).
        var mounts = container.Items("volumeMounts").ToArray();
        Assert.All(mounts, m => Assert.Null(m.Get("subPath")));
        string[] files = [config.Tls.KeyPath, config.Tls.CertificatePath, vault.Tls!.CaPath!];
        foreach (var file in files)
        {
            var mount = mounts.SingleOrDefault(m => file.StartsWith(m.Text("mountPath")! + "/", StringComparison.Ordinal));
            Assert.True(mount is not null, $"{dir}: {file} is in no volume mount");
            var volume = pod.Items("volumes").Single(v => v.Text("name") == mount.Text("name"));
            var secret = volume.Text("secret", "secretName");
            Assert.False(string.IsNullOrEmpty(secret), $"{dir}: {file} is not mounted from a Secret");
        }

        // --config names config.yml in the mount of the generated ConfigMap.
        var args = container.Items("args").Select(Scalar).ToArray();
        var configPath = args[Array.IndexOf(args, "--config") + 1];
        var configMount = mounts.Single(m => configPath == m.Text("mountPath") + "/config.yml");
        var configVolume = pod.Items("volumes").Single(v => v.Text("name") == configMount.Text("name"));
        var generator = DeployFiles.Yaml(dir + "/kustomization.yaml").Items("configMapGenerator").Single();
        Assert.Equal(generator.Text("name"), configVolume.Text("configMap", "name"));
        Assert.Equal("true", DeployFiles.Yaml(dir + "/kustomization.yaml").Text("generatorOptions", "disableNameSuffixHash"));
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomization_Kesgw_HasProbesResourcesAndARestrictedContext(string dir)
    {
        var (pod, container) = Kesgw(dir);
        var config = DeployFiles.LoadConfig(dir + "/config.yml");
        var port = int.Parse(config.Address[(config.Address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        Assert.NotNull(container.Get("readinessProbe"));
        Assert.NotNull(container.Get("livenessProbe"));
        if (container.Get("readinessProbe", "httpGet") is { } get)
        {
            Assert.Equal(("/v1/ready", "HTTPS"), (get.Text("path"), get.Text("scheme")));
        }
        else
        {
            Assert.Contains("ready", container.Items("readinessProbe", "exec", "command").Select(Scalar));
            Assert.Contains($"127.0.0.1:{port}", container.Items("readinessProbe", "exec", "command").Select(Scalar));
        }

        Assert.False(string.IsNullOrEmpty(container.Text("resources", "requests", "cpu")));
        Assert.False(string.IsNullOrEmpty(container.Text("resources", "requests", "memory")));
        Assert.Equal("kesgw:0.1.0", container.Text("image"));
        var context = container.Get("securityContext")!;
        Assert.Equal("true", context.Text("readOnlyRootFilesystem"));
        Assert.Equal("false", context.Text("allowPrivilegeEscalation"));
        Assert.Equal("1654", context.Text("runAsUser") ?? pod.Text("securityContext", "runAsUser"));
        Assert.Contains(container.Items("volumeMounts"), m => m.Text("mountPath") == "/tmp");
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Kustomization_PodDisruptionBudget_SelectsThePods(string dir)
    {
        var pdb = Assert.Single(Objects(dir), o => o.Text("kind") == "PodDisruptionBudget");
        var workload = Assert.Single(Objects(dir), o => o.Text("kind") is "Deployment" or "StatefulSet");
        var labels = workload.Entries("spec", "template", "metadata", "labels").ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value));

        Assert.All(pdb.Entries("spec", "selector", "matchLabels"), e => Assert.Equal(Scalar(e.Value), labels.GetValueOrDefault(Scalar(e.Key))));
        Assert.All(workload.Entries("spec", "selector", "matchLabels"), e => Assert.Equal(Scalar(e.Value), labels.GetValueOrDefault(Scalar(e.Key))));
    }

    [Fact]
    public void Sidecar_MinioTalksToKesgwOnLoopback_WithItsApiKeyAndTheServerCertificateAsCa()
    {
        const string Dir = "deploy/kubernetes/sidecar";
        var config = DeployFiles.LoadConfig(Dir + "/config.yml");
        var (pod, kesgw) = Kesgw(Dir);
        var minio = pod.Items("containers").Single(c => c.Text("name") == "minio");
        var env = minio.Items("env").ToDictionary(e => e.Text("name")!, e => e);

        Assert.Equal("127.0.0.1:7373", config.Address);
        Assert.Equal("https://127.0.0.1:7373", env["MINIO_KMS_KES_ENDPOINT"].Text("value"));
        Assert.Equal("Always", kesgw.Text("restartPolicy"));
        Assert.Equal("minio-kes", env["MINIO_KMS_KES_API_KEY"].Text("valueFrom", "secretKeyRef", "name"));
        var ca = env["MINIO_KMS_KES_CAPATH"].Text("value")!;
        Assert.Contains(minio.Items("volumeMounts"), m => ca.StartsWith(m.Text("mountPath") + "/", StringComparison.Ordinal) && m.Text("name") == "kesgw-tls");
        Assert.Equal(config.Tls.CertificatePath, ca);
        Assert.Equal(DeployFiles.Placeholder("MINIO_IDENTITY"), Assert.Single(Assert.Single(config.Policies).Identities));
    }

    private static (YamlNode Pod, YamlNode Container) Kesgw(string dir)
    {
        var workload = Assert.Single(Objects(dir), o => o.Text("kind") is "Deployment" or "StatefulSet");
        var pod = workload.Get("spec", "template", "spec")!;
        var container = pod.Items("containers").Concat(pod.Items("initContainers")).Single(c => c.Text("name") == "kesgw");
        return (pod, container);
    }

    private static IEnumerable<YamlMappingNode> Objects(string dir) =>
        DeployFiles.Yaml(dir + "/kustomization.yaml").Items("resources").Select(Scalar)
            .SelectMany(file => DeployFiles.YamlDocuments($"{dir}/{file}"))
            .Select(o =>
            {
                Assert.False(string.IsNullOrEmpty(o.Text("apiVersion")));
                Assert.False(string.IsNullOrEmpty(o.Text("kind")));
                return o;
            });

    private static string Scalar(YamlNode node) => Assert.IsType<YamlScalarNode>(node).Value!;
}
