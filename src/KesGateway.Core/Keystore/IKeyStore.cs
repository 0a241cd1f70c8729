namespace KesGateway.Core.Keystore;

/// <summary>A name → stored key version map, as KES keystores are (kes-compat §7).</summary>
/// <remarks>
/// Values are the stored key version bytes (kes-compat §6.2), never interpreted here. Expected outcomes
/// (exists, not found) are return values; failures of the store itself are <see cref="KeyStoreException"/>s.
/// </remarks>
public interface IKeyStore : IAsyncDisposable
{
    /// <summary>Gets a one-line description for banners and logs, e.g. <c>Filesystem: /var/kes</c>; never a secret.</summary>
    string Description { get; }

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/> unless the name exists.</summary>
    /// <returns><see langword="false"/> if the name already exists (nothing is written).</returns>
    ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Reads the value stored under <paramref name="name"/>.</summary>
    /// <returns>The value, or <see langword="null"/> if there is none.</returns>
    ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes <paramref name="name"/>.</summary>
    /// <returns><see langword="false"/> if the store knows the name did not exist (some stores, like Vault, cannot tell).</returns>
    ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists every name starting with <paramref name="prefix"/>, sorted ordinally.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Checks that the store is reachable and usable.</summary>
    /// <exception cref="KeyStoreUnreachableException">The store cannot be reached.</exception>
    /// <exception cref="KeyStoreException">The store answered but is not usable.</exception>
    ValueTask StatusAsync(CancellationToken cancellationToken);
}
