using Microsoft.Extensions.Logging;
using Portico.Services.Health;

namespace Portico.Tcp.Health;

/// <summary>
/// Runs the health checks of one TCP load balancer, one timer per server on the injected clock: every <c>interval</c>
/// while the server is up, every <c>unhealthyInterval</c> while it is down. As in Traefik, servers start up and the first
/// check runs one interval after <see cref="Start"/>; a check that does not finish within <c>timeout</c> fails.
/// The scheduling is <see cref="PeriodicProbes"/>, shared with the HTTP <see cref="ActiveHealthChecker"/>.
/// </summary>
internal sealed partial class TcpHealthChecker : IAsyncDisposable, IDisposable
{
    private readonly string _serviceName;
    private readonly TcpServerHealth[] _servers;
    private readonly ILogger _logger;
    private readonly PeriodicProbes _schedule;

    /// <param name="probe">Checks the server at an index; null when healthy, otherwise why not.</param>
    public TcpHealthChecker(string serviceName, TcpHealthCheckConfig config, TcpServerHealth[] servers, Func<int, CancellationToken, Task<string?>> probe, TimeProvider time, ILogger logger)
    {
        _serviceName = serviceName;
        _servers = servers;
        _logger = logger;

        // Traefik falls back to the defaults for non-positive values (and says so in its logs).
        Interval = config.Interval > TimeSpan.Zero ? config.Interval : TimeSpan.FromSeconds(30);
        UnhealthyInterval = config.UnhealthyInterval is { } u ? (u > TimeSpan.Zero ? u : TimeSpan.FromSeconds(30)) : Interval;
        Timeout = config.Timeout > TimeSpan.Zero ? config.Timeout : TimeSpan.FromSeconds(5);
        _schedule = new PeriodicProbes(servers.Length, Interval, UnhealthyInterval, Timeout, time, probe, Record, Completed);
    }

    public TimeSpan Interval { get; }

    public TimeSpan UnhealthyInterval { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Raised after every check with the server and its verdict (tests await this instead of sleeping).</summary>
    public event Action<TcpServerHealth, bool>? ProbeCompleted;

    /// <summary>Arms one timer per server. Idempotent.</summary>
    public void Start() => _schedule.Start();

    public void Dispose() => _schedule.Dispose();

    public ValueTask DisposeAsync() => _schedule.DisposeAsync();

    private void Record(int index, string? failure)
    {
        var server = _servers[index];
        var healthy = failure is null;
        if (!healthy)
        {
            LogCheckFailed(_logger, _serviceName, server.Address, failure!);
        }

        if (server.Set(healthy))
        {
            LogStatus(_logger, _serviceName, server.Address, healthy ? "UP" : "DOWN");
        }
    }

    private void Completed(int index, bool healthy)
    {
        var server = _servers[index];
        ProbeCompleted?.Invoke(server, healthy);
        server.OnChecked(healthy);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: health check of {Address} failed: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string serviceName, string address, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "TCP service {ServiceName}: server {Address} is {Status}")]
    private static partial void LogStatus(ILogger logger, string serviceName, string address, string status);
}
