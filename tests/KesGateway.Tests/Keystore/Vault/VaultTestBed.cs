using KesGateway.Core.Keystore.Vault;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>A fresh scripted Vault, fake clock and logger per test, and the keystore connected to them.</summary>
internal sealed class VaultTestBed : IAsyncDisposable
{
    public const string RoleId = "role-id-1";
    public const string SecretId = "secret-id-5ecr3t-0123456789";
    public const string Endpoint = "https://vault.test:8200";

    private VaultKeyStore? _store;

    public VaultTestBed(VaultKvVersion version = VaultKvVersion.V1, string prefix = "", string @namespace = "")
    {
        Handler = new ScriptedVaultHandler(Clock);
        Options = new VaultOptions
        {
            Endpoint = new Uri(Endpoint),
            Version = version,
            Prefix = prefix,
            Namespace = @namespace,
            AppRole = new VaultAppRoleOptions { Id = RoleId, Secret = SecretId },
            TimeProvider = Clock,
            HttpMessageHandler = Handler,

            // Retries still happen, without waiting; VaultTransportTests check the waits themselves.
            RetryBaseDelay = TimeSpan.Zero,
        };
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 1, 30, 9, 0, 0, TimeSpan.Zero));

    public ScriptedVaultHandler Handler { get; }

    public CapturingLogger Logger { get; } = new();

    public VaultOptions Options { get; }

    public VaultKeyStore Store => _store ?? throw new InvalidOperationException("not connected");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Connects and waits for the first seal check, so later requests are only the test's own.</summary>
    public async Task<VaultKeyStore> ConnectAsync()
    {
        _store = await VaultKeyStore.ConnectAsync(Options, Logger, Ct);
        await ScriptedVaultHandler.Until(() => _store.Seal.Probes >= 1, "the first seal check");
        return _store;
    }

    /// <summary>Waits until the renewal loop has started more than <paramref name="waits"/> timed waits.</summary>
    public Task RenewalWaitingAsync(int waits) => ScriptedVaultHandler.Until(() => Store.Tokens.Waits > waits, $"renewal wait #{waits + 1}");

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Handler.Dispose();
    }
}
