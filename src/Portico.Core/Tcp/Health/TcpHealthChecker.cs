using Microsoft.Extensions.Logging;

namespace Portico.Tcp.Health;

/// <summary>
/// Runs the health checks of one TCP load balancer, one timer per server on the injected clock: every <c>interval</c>
/// while the server is up, every <c>unhealthyInterval</c> while it is down. As in Traefik, servers start up and the first
/// check runs one interval after <see cref="Start"/>; a check that does not finish within <c>timeout</c> fails.
/// The same design as the HTTP <see cref="Portico.Services.Health.ActiveHealthChecker"/>.
/// </summary>
internal sealed partial class TcpHealthChecker : IAsyncDisposable, IDisposable
{
    private readonly string _serviceName;
    private readonly TcpServerHealth[] _servers;
    private readonly Func<int, CancellationToken, Task<string?>> _probe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];
    private ITimer?[] _timers;
    private bool _started;
    private bool _disposed;

    /// <param name="probe">Checks the server at an index; null when healthy, otherwise why not.</param>
    public TcpHealthChecker(string serviceName, TcpHealthCheckConfig config, TcpServerHealth[] servers, Func<int, CancellationToken, Task<string?>> probe, TimeProvider time, ILogger logger)
    {
        _serviceName = serviceName;
        _servers = servers;
        _probe = probe;
        _time = time;
        _logger = logger;

        // Traefik falls back to the defaults for non-positive values (and says so in its logs).
        Interval = config.Interval > TimeSpan.Zero ? config.Interval : TimeSpan.FromSeconds(30);
        UnhealthyInterval = config.UnhealthyInterval is { } u ? (u > TimeSpan.Zero ? u : TimeSpan.FromSeconds(30)) : Interval;
        Timeout = config.Timeout > TimeSpan.Zero ? config.Timeout : TimeSpan.FromSeconds(5);
        _timers = new ITimer?[servers.Length];
    }

    public TimeSpan Interval { get; }

    public TimeSpan UnhealthyInterval { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Raised after every check with the server and its verdict (tests await this instead of sleeping).</summary>
    public event Action<TcpServerHealth, bool>? ProbeCompleted;

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
                _timers[i] = _time.CreateTimer(static state => ((Check)state!).Fire(), new Check(this, i), Interval, System.Threading.Timeout.InfiniteTimeSpan);
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

        // Checks in flight observe the cancellation; wait for them so nothing changes the servers afterwards.
        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(int index)
    {
        var server = _servers[index];
        string? failure;

        // The timeout runs on the injected clock, like the intervals.
        using (var deadline = new CancellationTokenSource(Timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token))
        {
            try
            {
                failure = await _probe(index, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                failure = $"no answer within the timeout of {Timeout}";
            }
            catch (Exception ex)
            {
                // A check never kills its timer loop: anything unexpected is a failed check.
                failure = ex.Message;
            }
        }

        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var healthy = failure is null;
        if (!healthy)
        {
            LogCheckFailed(_logger, _serviceName, server.Address, failure!);
        }

        if (server.Set(healthy))
        {
            LogStatus(_logger, _serviceName, server.Address, healthy ? "UP" : "DOWN");
        }

        lock (_gate)
        {
            if (!_disposed)
            {
                _timers[index]?.Change(healthy ? Interval : UnhealthyInterval, System.Threading.Timeout.InfiniteTimeSpan);
            }
        }

        ProbeCompleted?.Invoke(server, healthy);
        server.OnChecked(healthy);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: health check of {Address} failed: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string serviceName, string address, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "TCP service {ServiceName}: server {Address} is {Status}")]
    private static partial void LogStatus(ILogger logger, string serviceName, string address, string status);

    private sealed class Check(TcpHealthChecker owner, int index)
    {
        public void Fire()
        {
            var task = owner.RunAsync(index);
            lock (owner._gate)
            {
                owner._running.RemoveAll(static t => t.IsCompleted);
                owner._running.Add(task);
            }
        }
    }
}
