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
    private readonly ServerState[] _servers;
    private readonly PeriodicProbes _schedule;

    public ActiveHealthChecker(string serviceName, HealthCheckConfig config, ServerState[] servers, HttpMessageInvoker client, TimeProvider time, ILogger logger)
    {
        _serviceName = serviceName;
        _servers = servers;
        _time = time;
        _logger = logger;
        Interval = config.Interval > TimeSpan.Zero ? config.Interval : TimeSpan.FromSeconds(30);
        UnhealthyInterval = config.UnhealthyInterval is { } u && u > TimeSpan.Zero ? u : Interval;
        var timeout = config.Timeout > TimeSpan.Zero ? config.Timeout : TimeSpan.FromSeconds(5);
        _probe = string.Equals(config.Mode, "grpc", StringComparison.OrdinalIgnoreCase)
            ? new GrpcHealthProbe(config, client)
            : new HttpHealthProbe(config, client);
        _schedule = new PeriodicProbes(servers.Length, Interval, UnhealthyInterval, timeout, time,
            (i, ct) => _probe.ProbeAsync(_servers[i], ct), Record, (i, healthy) => ProbeCompleted?.Invoke(_servers[i], healthy));
    }

    /// <summary>Raised after every probe with the server and whether it answered healthy (tests and metrics await this).</summary>
    public event Action<ServerState, bool>? ProbeCompleted;

    public TimeSpan Interval { get; }

    public TimeSpan UnhealthyInterval { get; }

    /// <summary>Arms one timer per server. Idempotent.</summary>
    public void Start() => _schedule.Start();

    public void Dispose() => _schedule.Dispose();

    public ValueTask DisposeAsync() => _schedule.DisposeAsync();

    private void Record(int index, string? failure)
    {
        var server = _servers[index];
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
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check failed for server {ServerUrl} of service {ServiceName}: {Reason}")]
    private static partial void LogServerDown(ILogger logger, string serviceName, string serverUrl, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check up: server {ServerUrl} of service {ServiceName} is back")]
    private static partial void LogServerUp(ILogger logger, string serviceName, string serverUrl);
}
