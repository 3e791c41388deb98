using Portico.Runtime;
using Portico.Tls.Acme;

namespace Portico.Providers.Acme;

internal sealed partial class AcmeResolver
{
    /// <summary>Obtains what is missing or due; returns whether the stored certificates changed.</summary>
    public async Task<bool> ReconcileAsync(IReadOnlyList<RouterInfo> routers, CancellationToken cancellationToken)
    {
        await Storage.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReconcileUnderGateAsync(routers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Storage.Gate.Release();
        }
    }

    /// <summary>
    /// On-demand TLS: orders a certificate for <paramref name="domains"/> now and stores it in acme.json. The gate is
    /// held only around the account and the storage, so the order itself does not block reconciliation; the stored
    /// list is replaced rather than changed, so a snapshot being built from the old one is unaffected.
    /// </summary>
    public async Task<AcmeStoredCertificate> ObtainNowAsync(string[] domains, CancellationToken cancellationToken)
    {
        AcmeClient client;
        await Storage.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Storage.Gate.Release();
        }

        var issued = await client.IssueAsync(domains, Solvers, cancellationToken).ConfigureAwait(false);
        var stored = AcmeStoredCertificate.From(issued);
        await Storage.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Data.Certificates = [.. Data.Certificates.Where(c => !SameDomains(c, domains)), stored];
            await Storage.SaveAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Storage.Gate.Release();
        }

        return stored;
    }
}
