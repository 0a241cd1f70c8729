namespace KesGateway.FunctionalTests.Deploy;

/// <summary>deploy/systemd/kesgw.service: what the issue asks of it, and <c>systemd-analyze verify</c> where it exists.</summary>
public sealed class SystemdTests
{
    private const string Unit = "deploy/systemd/kesgw.service";

    private static readonly string[] Lines = File.ReadAllLines(DeployFiles.PathOf(Unit));

    [Fact]
    public void Unit_DedicatedUser_IpcLock_Hardening_ReloadBySighup()
    {
        string[] required =
        [
            "User=kesgw",
            "Group=kesgw",
            "ExecStart=/usr/local/bin/kesgw server --config /etc/kesgw/config.yml",
            "ExecReload=/bin/kill -HUP $MAINPID",
            "AmbientCapabilities=CAP_IPC_LOCK",
            "CapabilityBoundingSet=CAP_IPC_LOCK",
            "LimitMEMLOCK=infinity",
            "NoNewPrivileges=true",
            "ProtectSystem=strict",
            "ProtectHome=true",
            "PrivateTmp=true",
            // The JIT writes code: W^X protection would stop .NET from starting.
            "MemoryDenyWriteExecute=false",
        ];
        Assert.All(required, line => Assert.Contains(line, Lines));
        Assert.Contains("[Install]", Lines);
    }

    [Fact]
    public async Task Unit_PassesSystemdAnalyzeVerify()
    {
        var analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        Assert.SkipWhen(analyze is null, "systemd-analyze is not installed here");

        // verify checks that ExecStart's binary exists: point it at the built kesgw, nothing else changes.
        var dir = Directory.CreateTempSubdirectory("kesgw-systemd-").FullName;
        try
        {
            var kesgw = Path.Combine(Path.GetDirectoryName(KesGateway.FunctionalTests.Cli.KesgwProcess.KesgwDll())!, "kesgw");
            Assert.True(File.Exists(kesgw), $"{kesgw}: the kesgw apphost was not built");
            var unit = Path.Combine(dir, "kesgw.service");
            await File.WriteAllTextAsync(unit, string.Join('\n', Lines).Replace("/usr/local/bin/kesgw", kesgw, StringComparison.Ordinal) + "\n", TestContext.Current.CancellationToken);

            var (exit, output) = await ComposeTests.RunAsync(analyze!, ["verify", unit]);

            Assert.True(exit == 0 && !output.Contains("kesgw.service", StringComparison.Ordinal), output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
