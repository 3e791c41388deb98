using Microsoft.Extensions.Logging;
using Portico.Configuration.Dynamic;
using Portico.Services.Health;
using Portico.Services.LoadBalancing;
using Portico.Services.Sticky;

namespace Portico.Services;

/// <summary>
/// Everything of a load balancer that must outlive a configuration reload when its configuration did not change:
/// server states, the strategy (and its round-robin position), the sticky table and the health checkers.
/// The <see cref="LoadBalancerService"/> of each build attaches itself as the listener of health changes.
/// </summary>
internal sealed class LoadBalancerState : IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger;
    private int _healthyCount;
    private Action<bool>? _listener;

    public LoadBalancerState(string serviceName, LoadBalancerConfig config, ServerState[] servers, ILoadBalancingStrategy strategy,
        StickySelector? sticky, ActiveHealthChecker? activeChecker, PassiveHealthTracker? passiveTracker, ILogger logger)
    {
        ServiceName = serviceName;
        Config = config;
        Servers = servers;
        Strategy = strategy;
        Sticky = sticky;
        ActiveChecker = activeChecker;
        PassiveTracker = passiveTracker;
        _logger = logger;
        foreach (var server in servers)
        {
            if (server.IsHealthy)
            {
                _healthyCount++;
            }

            server.HealthChanged += OnServerHealthChanged;
        }
    }

    public string ServiceName { get; }

    public LoadBalancerConfig Config { get; }

    public ServerState[] Servers { get; }

    public ILoadBalancingStrategy Strategy { get; }

    public StickySelector? Sticky { get; }

    public ActiveHealthChecker? ActiveChecker { get; }

    public PassiveHealthTracker? PassiveTracker { get; }

    public bool IsHealthy => Volatile.Read(ref _healthyCount) > 0;

    /// <summary>Raised for every server transition (for the API's per-server status and metrics).</summary>
    public event Action<ServerState, bool>? ServerHealthChanged;

    /// <summary>Routes "the whole service went up/down" to the service object of the current build.</summary>
    public void Attach(Action<bool> listener) => Volatile.Write(ref _listener, listener);

    public void Start() => ActiveChecker?.Start();

    /// <summary>Stops the timers without waiting for probes in flight (their results are then ignored).</summary>
    public void Dispose()
    {
        Detach();
        PassiveTracker?.Dispose();
        ActiveChecker?.Dispose();
    }

    /// <summary>Stops the timers and waits for probes in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        Detach();
        PassiveTracker?.Dispose();
        if (ActiveChecker is not null)
        {
            await ActiveChecker.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Detach()
    {
        foreach (var server in Servers)
        {
            server.HealthChanged -= OnServerHealthChanged;
        }

        Volatile.Write(ref _listener, null);
    }

    private void OnServerHealthChanged(ServerState server, bool healthy)
    {
        ServiceLog.ServerStatusChanged(_logger, ServiceName, server.UrlText, healthy ? "UP" : "DOWN");
        ServerHealthChanged?.Invoke(server, healthy);
        var count = healthy ? Interlocked.Increment(ref _healthyCount) : Interlocked.Decrement(ref _healthyCount);
        if ((healthy && count == 1) || (!healthy && count == 0))
        {
            ServiceLog.ServiceStatusChanged(_logger, ServiceName, healthy ? "UP" : "DOWN");
            Volatile.Read(ref _listener)?.Invoke(healthy);
        }
    }
}
