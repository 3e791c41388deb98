using Microsoft.Extensions.Logging;
using Portico.Configuration.Dynamic;
using Portico.Services.LoadBalancing;

namespace Portico.Services.Health;

/// <summary>
/// Probes every server of one load balancer on its own timer: every <c>interval</c> while the server is up and
/// every <c>unhealthyInterval</c> while it is down. As in Traefik v3, servers start up and the first probe runs one
/// interval after <see cref="Start"/>; a probe that does not answer within <c>timeout</c> counts as a failure.
/// </summary>
internal sealed partial class ActiveHealthChecker : IAsyncDisposable, IDisposable
{
    private readonly string _serviceName;
    private readonly IHealthProbe _probe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _unhealthyInterval;
    private readonly TimeSpan _timeout;
    private readonly ServerState[] _servers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];
    private ITimer?[] _timers;
    private bool _started;
    private bool _disposed;

    public ActiveHealthChecker(string serviceName, HealthCheckConfig config, ServerState[] servers, HttpMessageInvoker client, TimeProvider time, ILogger logger)
    {
        _serviceName = serviceName;
        _servers = servers;
        _time = time;
        _logger = logger;
        _interval = config.Interval > TimeSpan.Zero ? config.Interval : TimeSpan.FromSeconds(30);
        _unhealthyInterval = config.UnhealthyInterval is { } u && u > TimeSpan.Zero ? u : _interval;
        _timeout = config.Timeout > TimeSpan.Zero ? config.Timeout : TimeSpan.FromSeconds(5);
        _probe = string.Equals(config.Mode, "grpc", StringComparison.OrdinalIgnoreCase)
            ? new GrpcHealthProbe(config, client)
            : new HttpHealthProbe(config, client);
        _timers = new ITimer?[servers.Length];
    }

    /// <summary>Raised after every probe with the server and whether it answered healthy (tests and metrics await this).</summary>
    public event Action<ServerState, bool>? ProbeCompleted;

    public TimeSpan Interval => _interval;

    public TimeSpan UnhealthyInterval => _unhealthyInterval;

    /// <summary>Arms one timer per server. Idempotent.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started || _disposed)
            {
                return;
            }

            _started = true;
            for (var i = 0; i < _servers.Length; i++)
            {
                _timers[i] = _time.CreateTimer(static state => ((Probe)state!).Fire(), new Probe(this, i), _interval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var timer in _timers)
            {
                timer?.Dispose();
            }

            _timers = [];
        }

        _stopping.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        Dispose();
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        // Probes in flight observe the cancellation; wait for them so nothing touches the servers afterwards.
        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunProbeAsync(int index)
    {
        var server = _servers[index];
        string? failure;
        // The timeout runs on the injected clock so tests control it like the intervals.
        using (var deadline = new CancellationTokenSource(_timeout, _time))
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token))
        {
            try
            {
                failure = await _probe.ProbeAsync(server, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A probe is never allowed to kill its timer loop; an unexpected exception is a failed check.
                failure = ex.Message;
            }
        }

        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var healthy = failure is null;
        var was = server.ActiveHealthy;
        server.SetActiveHealthy(healthy, _time.GetTimestamp());
        if (was != healthy)
        {
            if (healthy)
            {
                LogServerUp(_logger, _serviceName, server.UrlText);
            }
            else
            {
                LogServerDown(_logger, _serviceName, server.UrlText, failure!);
            }
        }

        lock (_gate)
        {
            if (!_disposed)
            {
                _timers[index]?.Change(healthy ? _interval : _unhealthyInterval, Timeout.InfiniteTimeSpan);
            }
        }

        ProbeCompleted?.Invoke(server, healthy);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check failed for server {ServerUrl} of service {ServiceName}: {Reason}")]
    private static partial void LogServerDown(ILogger logger, string serviceName, string serverUrl, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check up: server {ServerUrl} of service {ServiceName} is back")]
    private static partial void LogServerUp(ILogger logger, string serviceName, string serverUrl);

    private sealed class Probe(ActiveHealthChecker owner, int index)
    {
        public void Fire()
        {
            var task = owner.RunProbeAsync(index);
            lock (owner._gate)
            {
                owner._running.RemoveAll(static t => t.IsCompleted);
                owner._running.Add(task);
            }
        }
    }
}
