using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Static;
using Portico.Runtime;
using Portico.Tls.Acme;

namespace Portico.Providers.Acme;

/// <summary>
/// Provider <c>acme</c>: publishes the certificates of every <c>certificatesResolvers.&lt;name&gt;.acme</c> as inline PEM
/// under <c>tls.certificates</c>. It reacts to each runtime snapshot (routers naming a resolver in
/// <c>tls.certResolver</c>) and to a renewal timer. Its own publication causes a new snapshot too; that one finds every
/// domain covered and publishes nothing, which is what ends the cycle.
/// </summary>
internal sealed partial class AcmeProvider : IConfigProvider
{
    public const string ProviderName = "acme";

    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(24);

    private readonly RuntimeHolder _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<AcmeResolver> _resolvers = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public AcmeProvider(
        IReadOnlyDictionary<string, CertificatesResolverConfig> resolvers,
        RuntimeHolder runtime,
        IHttp01ChallengeStore challenges,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        Func<AcmeResolverConfig, HttpClient>? httpFactory = null,
        AcmeStatusBoard? status = null)
    {
        _runtime = runtime;
        _time = time;
        _logger = loggerFactory.CreateLogger("Portico.Providers.Acme");
        Status = status ?? new AcmeStatusBoard();
        var files = new Dictionary<string, AcmeStorageFile>(StringComparer.Ordinal);
        foreach (var (name, resolver) in resolvers.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (resolver.Acme is not { } acme)
            {
                continue;
            }

            var path = Path.GetFullPath(acme.Storage);
            if (!files.TryGetValue(path, out var file))
            {
                files[path] = file = new AcmeStorageFile(new AcmeStorage(path, time));
            }

            _resolvers.Add(new AcmeResolver(name, acme, file, AcmeSolvers.Create(acme, challenges, runtime.TlsHooks.AcmeTlsChallenges, time), httpFactory ?? AcmeHttpClientFactory.Create, time, _logger, Status));
        }
    }

    public string Name => ProviderName;

    /// <summary>Per resolver and domain set: certificate state and last error, shown by <c>/api/acme</c>.</summary>
    public AcmeStatusBoard Status { get; }

    /// <summary>Whether any resolver is configured; the server adds the provider only then.</summary>
    public bool HasResolvers => _resolvers.Count > 0;

    public async Task RunAsync(Action<ProviderSnapshot> publish, CancellationToken cancellationToken)
    {
        foreach (var resolver in _resolvers)
        {
            if (await resolver.Storage.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false) is { } problem)
            {
                LogCorruptStorage(_logger, problem);
            }
        }

        publish(BuildSnapshot());
        _runtime.Swapped += OnSwapped;
        try
        {
            while (true)
            {
                var routers = Demands(_runtime.Current);
                var changed = Interlocked.Exchange(ref _publishRequested, 0) == 1;
                DateTimeOffset? next = null;
                foreach (var resolver in _resolvers)
                {
                    changed |= await resolver.ReconcileAsync(routers, cancellationToken).ConfigureAwait(false);
                    if (resolver.NextDue is { } due && (next is null || due < next))
                    {
                        next = due;
                    }
                }

                if (changed)
                {
                    publish(BuildSnapshot());
                }

                await WaitAsync(next, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _runtime.Swapped -= OnSwapped;
        }
    }

    private void OnSwapped(RuntimeSnapshot snapshot) => _wake.Writer.TryWrite(true);

    /// <summary>Until a snapshot swap, or the next renewal or retry is due (the time provider's timer).</summary>
    private async Task WaitAsync(DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var wait = next is { } due ? due - _time.GetUtcNow() : MaxWait;
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(wait, _time, stop.Token);
        var wake = _wake.Reader.WaitToReadAsync(stop.Token).AsTask();
        await Task.WhenAny(timer, wake).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        while (_wake.Reader.TryRead(out _))
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private ProviderSnapshot BuildSnapshot()
    {
        var certificates = new List<CertificateConfig>();
        foreach (var resolver in _resolvers)
        {
            foreach (var certificate in resolver.Data.Certificates)
            {
                certificates.Add(new CertificateConfig
                {
                    CertFile = Encoding.UTF8.GetString(certificate.Certificate),
                    KeyFile = Encoding.UTF8.GetString(certificate.Key),
                    Stores = [certificate.Store],
                });
            }
        }

        return new ProviderSnapshot(ProviderName, new DynamicConfig { Tls = new TlsConfig { Certificates = certificates } }, []);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "ACME storage: {Problem}")]
    private static partial void LogCorruptStorage(ILogger logger, string problem);
}
