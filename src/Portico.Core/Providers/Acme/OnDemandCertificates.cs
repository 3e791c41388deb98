using System.Collections.Concurrent;
using System.Net.Security;
using System.Text;
using Microsoft.Extensions.Logging;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Runtime;
using Portico.Tls;

namespace Portico.Providers.Acme;

/// <summary>
/// On-demand TLS (Portico extension, like Caddy's on_demand_tls): at the first handshake for a name no certificate
/// covers, on an entry point where a router names a resolver with <c>onDemand</c>, the <c>ask</c> URL is consulted and,
/// if it approves, the resolver orders a certificate while the handshake waits. Concurrent handshakes for one name share
/// one order; refusals and failures are remembered; a token bucket bounds how many orders start.
/// </summary>
internal sealed partial class OnDemandCertificates : IOnDemandCertificates
{
    /// <summary>How long a refused or failed name is not asked about or ordered again.</summary>
    public static readonly TimeSpan RefusalDuration = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OrderTimeout = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, (AcmeResolver Resolver, OnDemandRateLimiter Limiter)> _resolvers;
    private readonly RuntimeHolder _runtime;
    private readonly Action _publish;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly HttpClient _ask = new() { Timeout = AskTimeout };
    private readonly OnDemandRefusals _refusals;
    private readonly ConcurrentDictionary<string, Lazy<Task<SslStreamCertificateContext?>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _issued = new(StringComparer.Ordinal);
    private Routing _routing;

    public OnDemandCertificates(IReadOnlyList<AcmeResolver> resolvers, RuntimeHolder runtime, Action publish, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _resolvers = resolvers.ToDictionary(
            r => r.Name,
            r => (r, new OnDemandRateLimiter(r.Config.OnDemand!.RateLimit.Burst, r.Config.OnDemand.RateLimit.Period, time)),
            StringComparer.Ordinal);
        _runtime = runtime;
        _publish = publish;
        _time = time;
        _logger = logger;
        _stopping = stopping;
        _refusals = new OnDemandRefusals(RefusalDuration, time);
        _routing = new Routing(RuntimeSnapshot.Empty, new(StringComparer.Ordinal));
    }

    public async ValueTask<SslStreamCertificateContext?> GetAsync(string serverName, string entryPoint, CancellationToken cancellationToken)
    {
        // 1. Only syntactically valid DNS names (no IP, no wildcard), and only where an on-demand resolver applies.
        var name = serverName.ToLowerInvariant();
        if (!OnDemandNames.IsValid(name) || ResolverFor(entryPoint) is not { } resolver)
        {
            return null;
        }

        // 2. Obtained earlier but not yet in the snapshot; or refused recently.
        if (_issued.TryGetValue(name, out var issued))
        {
            return issued;
        }

        if (_refusals.IsRefused(name))
        {
            return null;
        }

        // 3. One order per name, whoever asks; the handshake waits at most the resolver's timeout for it.
        var order = _inFlight.GetOrAdd(name, static (n, state) => new Lazy<Task<SslStreamCertificateContext?>>(() => state.Self.ObtainAsync(n, state.Resolver)), (Self: this, Resolver: resolver)).Value;
        try
        {
            return await order.WaitAsync(resolver.Config.OnDemand!.Timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            LogGaveUp(_logger, name);
            return null;
        }
    }

    /// <summary>The on-demand resolver named by a router on <paramref name="entryPoint"/>, cached per snapshot.</summary>
    private AcmeResolver? ResolverFor(string entryPoint)
    {
        var snapshot = _runtime.Current;
        var routing = Volatile.Read(ref _routing);
        if (!ReferenceEquals(routing.Snapshot, snapshot))
        {
            routing = new Routing(snapshot, new(StringComparer.Ordinal));
            Volatile.Write(ref _routing, routing);
        }

        return routing.ByEntryPoint.GetOrAdd(entryPoint, static (ep, state) =>
        {
            foreach (var router in state.Snapshot.Status.Routers)
            {
                if (router.CertResolver is { } name && state.Self._resolvers.TryGetValue(name, out var found) && (ep.Length == 0 || router.EntryPoints.Contains(ep)))
                {
                    return found.Resolver;
                }
            }

            return null;
        }, (Self: this, routing.Snapshot));
    }

    private async Task<SslStreamCertificateContext?> ObtainAsync(string name, AcmeResolver resolver)
    {
        await Task.Yield();
        try
        {
            if (!await AskAsync(resolver.Config.OnDemand!.Ask!, name).ConfigureAwait(false))
            {
                LogRefused(_logger, name, resolver.Name);
                _refusals.Add(name);
                return null;
            }

            if (!_resolvers[resolver.Name].Limiter.TryAcquire())
            {
                LogRateLimited(_logger, name, resolver.Name);
                _refusals.Add(name);
                return null;
            }

            // The order outlives a handshake that gives up: the next handshake for the name is then served at once.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            timeout.CancelAfter(OrderTimeout);
            LogObtaining(_logger, name, resolver.Name);
            var stored = await resolver.ObtainNowAsync([name], timeout.Token).ConfigureAwait(false);
            var errors = new List<ConfigError>();
            var certificate = Tls.CertificateLoader.Load(
                new CertificateConfig { CertFile = Encoding.UTF8.GetString(stored.Certificate), KeyFile = Encoding.UTF8.GetString(stored.Key) },
                $"on-demand certificate for {name}",
                errors) ?? throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.Message)));
            var context = SslStreamCertificateContext.Create(certificate, null, offline: true);
            _issued[name] = context;
            _publish();
            return context;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            LogFailed(_logger, name, resolver.Name, ex);
            _refusals.Add(name);
            return null;
        }
        finally
        {
            _inFlight.TryRemove(name, out _);
        }
    }

    /// <summary><c>GET &lt;ask&gt;?domain=&lt;name&gt;</c>: 2xx approves; any other status, an error or a timeout refuses.</summary>
    private async Task<bool> AskAsync(string ask, string name)
    {
        var url = ask + (ask.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "domain=" + Uri.EscapeDataString(name);
        try
        {
            using var response = await _ask.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, _stopping).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            LogAskFailed(_logger, name, ex.Message);
            return false;
        }
    }

    /// <summary>Which on-demand resolver applies per entry point, for one snapshot (rebuilt lazily after a swap).</summary>
    private sealed record Routing(RuntimeSnapshot Snapshot, ConcurrentDictionary<string, AcmeResolver?> ByEntryPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "On-demand TLS: obtaining a certificate for {Name} with resolver {Resolver}")]
    private static partial void LogObtaining(ILogger logger, string name, string resolver);

    [LoggerMessage(Level = LogLevel.Information, Message = "On-demand TLS: the ask endpoint refused {Name} (resolver {Resolver})")]
    private static partial void LogRefused(ILogger logger, string name, string resolver);

    [LoggerMessage(Level = LogLevel.Warning, Message = "On-demand TLS: could not reach the ask endpoint for {Name}: {Error}")]
    private static partial void LogAskFailed(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "On-demand TLS: rate limit reached, no certificate ordered for {Name} (resolver {Resolver})")]
    private static partial void LogRateLimited(ILogger logger, string name, string resolver);

    [LoggerMessage(Level = LogLevel.Error, Message = "On-demand TLS: could not obtain a certificate for {Name} (resolver {Resolver})")]
    private static partial void LogFailed(ILogger logger, string name, string resolver, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "On-demand TLS: the handshake for {Name} stopped waiting for its certificate; the order goes on")]
    private static partial void LogGaveUp(ILogger logger, string name);
}
