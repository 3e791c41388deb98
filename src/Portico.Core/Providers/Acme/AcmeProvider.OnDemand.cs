using Microsoft.Extensions.Logging;
using Portico.Runtime;

namespace Portico.Providers.Acme;

internal sealed partial class AcmeProvider
{
    /// <summary>1 when on-demand issuance stored a certificate the next loop turn must publish.</summary>
    private int _publishRequested;

    /// <summary>On-demand TLS for the resolvers with <c>onDemand</c>; null when none has it.</summary>
    public OnDemandCertificates? CreateOnDemand(RuntimeHolder runtime, ILoggerFactory loggerFactory, CancellationToken stopping)
    {
        var resolvers = _resolvers.Where(r => r.Config.OnDemand is not null).ToList();
        return resolvers.Count == 0
            ? null
            : new OnDemandCertificates(resolvers, runtime, RequestPublish, _time, loggerFactory.CreateLogger("Portico.Providers.Acme.OnDemand"), stopping);
    }

    /// <summary>Publishes the stored certificates at the next loop turn (wakes the loop).</summary>
    private void RequestPublish()
    {
        Interlocked.Exchange(ref _publishRequested, 1);
        _wake.Writer.TryWrite(true);
    }
}
