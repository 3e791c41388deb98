using Portico.Tls.Acme;

namespace Portico.Providers.Acme;

/// <summary>
/// One acme.json and its data, shared by every resolver whose <c>storage</c> names it: the file holds all of them, so
/// each save writes the whole dictionary.
/// </summary>
internal sealed class AcmeStorageFile(AcmeStorage storage)
{
    private bool _loaded;

    public AcmeStorage Storage { get; } = storage;

    /// <summary>
    /// Serializes changes to <see cref="Data"/> and saves: the provider's reconciliation and on-demand issuance (from
    /// handshakes) run concurrently.
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public Dictionary<string, AcmeResolverData> Data { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Loads once; returns the problem to report when the file was corrupt (it was moved aside).</summary>
    public async Task<string?> EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return null;
        }

        var result = await Storage.LoadAsync(cancellationToken).ConfigureAwait(false);
        Data = result.Resolvers;
        _loaded = true;
        return result.Error;
    }

    public Task SaveAsync(CancellationToken cancellationToken) => Storage.SaveAsync(Data, cancellationToken);
}
