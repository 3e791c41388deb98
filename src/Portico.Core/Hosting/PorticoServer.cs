using Microsoft.Extensions.Logging;
using Portico.Configuration.Static;
using Portico.EntryPoints;
using Portico.Forwarding;
using Portico.Observability.AccessLog;
using Portico.Providers;
using Portico.Providers.Acme;
using Portico.Providers.File;
using Portico.Runtime;
using Portico.Tls;
using Portico.Tls.Acme;
using Portico.Udp;

namespace Portico.Hosting;

/// <summary>
/// The whole router for one static configuration: entry points, providers, the configuration watcher and the runtime
/// snapshot they feed. <see cref="StartAsync"/> serves; <see cref="StopAsync"/> shuts down gracefully.
/// </summary>
internal sealed partial class PorticoServer : IAsyncDisposable
{
    private readonly StaticConfig _config;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SnapshotBuilder _builder;
    private readonly ConfigWatcher _watcher;
    private readonly CertificateFileWatcher _certificateFiles;
    private readonly List<IConfigProvider> _providers = [];
    private readonly List<EntryPointHost> _entryPoints = [];
    private readonly List<UdpEntryPoint> _udpEntryPoints = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _providerTasks = [];

    public PorticoServer(StaticConfig config, ILoggerFactory loggerFactory, TimeProvider? time = null, IEnumerable<IConfigProvider>? extraProviders = null)
    {
        _config = WithImplicitEntryPoints(config);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Portico");
        _time = time ?? TimeProvider.System;
        AccessLog = AccessLogger.Create(_config.AccessLog, _time, loggerFactory);

        var deps = new RuntimeDependencies
        {
            Forwarder = new HttpForwarder(_time) { RecordOriginSize = AccessLog is not null },
            Time = _time,
            LoggerFactory = loggerFactory,
            DefaultTransport = _config.ServersTransport ?? new ServersTransportConfig(),
        };
        _builder = new SnapshotBuilder(_config, deps, InternalItems.Create(_config, Runtime, Lifecycle, AcmeChallenges, AcmeStatus));
        _watcher = new ConfigWatcher(
            _config.Providers?.ProvidersThrottleDuration ?? TimeSpan.FromSeconds(2),
            _time,
            ApplyAsync,
            loggerFactory.CreateLogger("Portico.Providers"));
        _certificateFiles = new CertificateFileWatcher(Runtime, _watcher.ApplyAsync, _time, loggerFactory.CreateLogger("Portico.Tls"));

        if (_config.Providers?.File is { } file)
        {
            _providers.Add(new FileProvider(file, _time, loggerFactory.CreateLogger("Portico.Providers.File")));
        }

        if (_config.CertificatesResolvers is { Count: > 0 } resolvers)
        {
            var acme = new AcmeProvider(resolvers, Runtime, AcmeChallenges, _time, loggerFactory, status: AcmeStatus);
            if (acme.HasResolvers)
            {
                _providers.Add(acme);
                Runtime.TlsHooks.OnDemand = acme.CreateOnDemand(Runtime, loggerFactory, _stopping.Token);
            }
        }

        _providers.AddRange(extraProviders ?? []);
    }

    public StaticConfig Config => _config;

    public RuntimeHolder Runtime { get; } = new();

    /// <summary>The access log, or null when the static configuration has no <c>accessLog</c> section.</summary>
    public AccessLogger? AccessLog { get; }

    public Lifecycle Lifecycle { get; } = new();

    /// <summary>Pending HTTP-01 challenges: filled by the ACME provider, answered by <c>acme-http@internal</c>.</summary>
    public InMemoryHttp01ChallengeStore AcmeChallenges { get; } = new();

    /// <summary>Pending TLS-ALPN-01 challenges: filled by the ACME provider, answered by the HTTPS entry points' handshakes.</summary>
    public InMemoryTlsAlpn01ChallengeStore AcmeTlsChallenges => Runtime.TlsHooks.AcmeTlsChallenges;

    /// <summary>ACME certificate states and last errors: written by the ACME provider, shown by <c>/api/acme</c>.</summary>
    public Providers.Acme.AcmeStatusBoard AcmeStatus { get; } = new();

    /// <summary>The certificate files being watched for in-place changes (see <see cref="CertificateFileWatcher"/>).</summary>
    public IReadOnlyCollection<string> WatchedCertificateFiles => _certificateFiles.Files;

    /// <summary>Bound addresses by entry point name (the real ports when the configuration used port 0).</summary>
    public IReadOnlyDictionary<string, System.Net.IPEndPoint> EntryPoints => _entryPoints.ToDictionary(e => e.Name, e => e.LocalEndPoint);

    /// <summary>The UDP entry points by name (bound address, session count, drop counters).</summary>
    public IReadOnlyDictionary<string, UdpEntryPoint> UdpEntryPoints => _udpEntryPoints.ToDictionary(e => e.Name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // 1. A first snapshot with the internal items only, so the API and ping answer from the first request.
        await _watcher.ApplyAsync().ConfigureAwait(false);
        _certificateFiles.Start();

        // 2. Entry points.
        foreach (var (name, entryPoint) in (_config.EntryPoints ?? new Dictionary<string, EntryPointConfig>()).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (entryPoint.Address?.EndsWith("/udp", StringComparison.OrdinalIgnoreCase) == true)
            {
                StartUdp(name, entryPoint);
                continue;
            }

            if (!EntryPointAddressResolver.TryResolve(entryPoint.Address, out var bind, out var error))
            {
                throw new InvalidOperationException($"entry point \"{name}\": {error}");
            }

            var accessLog = entryPoint.Observability.AccessLogs ? AccessLog : null;
            var dispatcher = new EntryPointDispatcher(name, entryPoint, Runtime, _time, _loggerFactory, accessLog);
            var host = new EntryPointHost(name, entryPoint, bind, dispatcher, Runtime, _loggerFactory, _time);
            _entryPoints.Add(host);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            LogListening(_logger, name, host.LocalEndPoint.ToString());
        }

        // 3. logrotate renames the access log file and sends SIGUSR1 for a new one.
        AccessLog?.ListenForReopenSignal();

        // 4. Providers publish into the watcher from now on.
        foreach (var provider in _providers)
        {
            _providerTasks.Add(RunProviderAsync(provider));
        }
    }

    /// <summary>
    /// Graceful shutdown as Traefik does: ping turns to its terminating status, entry points keep accepting for
    /// <c>requestAcceptGraceTimeout</c>, then stop accepting and give in-flight requests <c>graceTimeOut</c> to finish.
    /// </summary>
    public async Task StopAsync()
    {
        Lifecycle.BeginTermination();
        var acceptGrace = _config.EntryPoints?.Values.Select(e => e.Transport.LifeCycle.RequestAcceptGraceTimeout).DefaultIfEmpty().Max() ?? TimeSpan.Zero;
        if (acceptGrace > TimeSpan.Zero)
        {
            await Task.Delay(acceptGrace, _time).ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var udp in _udpEntryPoints)
        {
            await udp.StopAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_entryPoints.Select(async host =>
        {
            var grace = _config.EntryPoints![host.Name].Transport.LifeCycle.GraceTimeOut;
            using var timeout = new CancellationTokenSource(grace > TimeSpan.Zero ? grace : TimeSpan.FromMilliseconds(1));
            await host.StopAsync(timeout.Token).ConfigureAwait(false);
        })).ConfigureAwait(false);

        await Task.WhenAll(_providerTasks).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        foreach (var host in _entryPoints)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var udp in _udpEntryPoints)
        {
            await udp.DisposeAsync().ConfigureAwait(false);
        }

        // The entry points are closed: write what the access log still holds before the process goes.
        if (AccessLog is not null)
        {
            await AccessLog.DisposeAsync().ConfigureAwait(false);
        }

        _certificateFiles.Dispose();
        _watcher.Dispose();
        _stopping.Dispose();
    }

    private void StartUdp(string name, EntryPointConfig entryPoint)
    {
        if (!UdpEntryPoint.TryResolve(entryPoint.Address, out var bind, out var error))
        {
            throw new InvalidOperationException($"entry point \"{name}\": {error}");
        }

        var udp = new UdpEntryPoint(name, entryPoint.Udp, Runtime, _time, _loggerFactory);
        udp.Start(bind);
        _udpEntryPoints.Add(udp);
        LogListening(_logger, name, udp.LocalEndPoint + "/udp");
    }

    private async Task RunProviderAsync(IConfigProvider provider)
    {
        try
        {
            await provider.RunAsync(_watcher.Publish, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogProviderFailed(_logger, provider.Name, ex);
        }
    }

    private Task ApplyAsync(IReadOnlyList<ProviderSnapshot> providers)
    {
        var started = _time.GetTimestamp();
        var next = _builder.Build(providers, Runtime.Current);
        Runtime.Swap(next);
        LogApplied(_logger, next.Generation, next.Status.Routers.Count, next.Status.Services.Count, _time.GetElapsedTime(started).TotalMilliseconds);
        return Task.CompletedTask;
    }

    /// <summary>Traefik creates the <c>traefik</c> entry point on :8080 when the API or ping needs it and none is defined.</summary>
    internal static StaticConfig WithImplicitEntryPoints(StaticConfig config)
    {
        var needsTraefik = (config.Api?.Insecure == true) || (config.Ping is { ManualRouting: false } ping && ping.EntryPoint == InternalItems.TraefikEntryPoint);
        var entryPoints = new Dictionary<string, EntryPointConfig>(config.EntryPoints ?? new Dictionary<string, EntryPointConfig>(), StringComparer.Ordinal);
        if (needsTraefik && !entryPoints.ContainsKey(InternalItems.TraefikEntryPoint))
        {
            entryPoints[InternalItems.TraefikEntryPoint] = new EntryPointConfig { Address = ":8080" };
        }

        if (config.Global?.NotAppendXForwardedFor == true)
        {
            // The global switch applies to every entry point, as if each had set forwardedHeaders.notAppendXForwardedFor.
            foreach (var (name, entryPoint) in entryPoints.ToArray())
            {
                entryPoints[name] = entryPoint with { ForwardedHeaders = entryPoint.ForwardedHeaders with { NotAppendXForwardedFor = true } };
            }
        }

        if (entryPoints.Count == 0)
        {
            // Traefik listens on :80 when no entry point is configured at all.
            entryPoints["http"] = new EntryPointConfig { Address = ":80" };
        }

        return config with { EntryPoints = entryPoints };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Entry point {EntryPoint} listening on {Address}")]
    private static partial void LogListening(ILogger logger, string entryPoint, string address);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provider {Provider} stopped")]
    private static partial void LogProviderFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration {Generation} applied: {Routers} routers, {Services} services, built in {Milliseconds:F1} ms")]
    private static partial void LogApplied(ILogger logger, long generation, int routers, int services, double milliseconds);
}
