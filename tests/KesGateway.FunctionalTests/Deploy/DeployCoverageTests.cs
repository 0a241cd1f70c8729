namespace KesGateway.FunctionalTests.Deploy;

/// <summary>Every file under deploy/ is checked by a test of this folder: a new file fails here until one covers it.</summary>
public sealed class DeployCoverageTests
{
    // File → the test class that would fail if it broke.
    private static readonly Dictionary<string, string> CoveredBy = new(StringComparer.Ordinal)
    {
        ["deploy/compose/compose.yaml"] = nameof(ComposeTests),
        ["deploy/compose/kesgw/config.yml"] = nameof(ComposeTests),
        ["deploy/compose/kesgw/init.sh"] = nameof(ComposeTests),
        ["deploy/compose/vault/init.sh"] = nameof(ComposeTests),
        ["deploy/compose/vault/kes-policy.hcl"] = nameof(ComposeTests),
        ["deploy/docker/Dockerfile"] = nameof(DockerfileTests),
        ["deploy/docker/Dockerfile.dockerignore"] = nameof(DockerfileTests),
        ["deploy/grafana/kesgw-dashboard.json"] = nameof(DashboardTests),
        ["deploy/grafana/prometheus-scrape.yml"] = nameof(DashboardTests),
        ["deploy/kubernetes/sidecar/config.yml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/sidecar/kustomization.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/sidecar/minio.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/sidecar/namespace.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/sidecar/pdb.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/sidecar/serviceaccount.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/standalone/config.yml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/standalone/deployment.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/standalone/kustomization.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/standalone/namespace.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/standalone/pdb.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/standalone/service.yaml"] = nameof(KubernetesTests),
        ["deploy/kubernetes/standalone/serviceaccount.yaml"] = nameof(KubernetesTests),
        ["deploy/systemd/kesgw.service"] = nameof(SystemdTests),
    };

    [Fact]
    public void DeployFolder_EveryFileIsCovered()
    {
        Assert.Equal(CoveredBy.Keys.Order(StringComparer.Ordinal), DeployFiles.All());
    }
}
