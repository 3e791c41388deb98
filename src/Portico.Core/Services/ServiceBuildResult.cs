using Portico.Forwarding;

namespace Portico.Services;

/// <summary>One error of one service; the service is left out of the build and the others still work.</summary>
public sealed record ServiceBuildError(string ServiceName, string Message);

/// <summary>
/// The services of one configuration. It owns the live state of its load balancers (health timers); pass it as
/// "previous" to the next <see cref="ServiceBuilder.Build"/> so unchanged load balancers keep their state, and
/// dispose it when it is no longer used (state handed to a newer build is not disposed with it).
/// </summary>
internal sealed class ServiceBuildResult : IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, ReusableLoadBalancer> _loadBalancers;

    internal ServiceBuildResult(IReadOnlyDictionary<string, IHttpService> services, IReadOnlyList<ServiceBuildError> errors, Dictionary<string, ReusableLoadBalancer> loadBalancers)
    {
        Services = services;
        Errors = errors;
        _loadBalancers = loadBalancers;
    }

    public static ServiceBuildResult Empty { get; } = new(new Dictionary<string, IHttpService>(), [], []);

    /// <summary>Every valid service by qualified name (<c>whoami@file</c>).</summary>
    public IReadOnlyDictionary<string, IHttpService> Services { get; }

    public IReadOnlyList<ServiceBuildError> Errors { get; }

    /// <summary>Hands a load balancer's state to the next build when nothing it depends on changed.</summary>
    internal LoadBalancerState? TakeIfReusable(string name, Func<ReusableLoadBalancer, bool> unchanged)
    {
        lock (_loadBalancers)
        {
            if (_loadBalancers.TryGetValue(name, out var entry) && unchanged(entry))
            {
                _loadBalancers.Remove(name);
                return entry.State;
            }

            return null;
        }
    }

    /// <summary>Stops the health checks of every load balancer not handed over to a newer build.</summary>
    public void Dispose()
    {
        foreach (var entry in Drain())
        {
            entry.State.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in Drain())
        {
            await entry.State.DisposeAsync().ConfigureAwait(false);
        }
    }

    private List<ReusableLoadBalancer> Drain()
    {
        lock (_loadBalancers)
        {
            var all = _loadBalancers.Values.ToList();
            _loadBalancers.Clear();
            return all;
        }
    }
}

/// <summary>What a load balancer's state was built from, compared by the next build.</summary>
internal sealed record ReusableLoadBalancer(LoadBalancerState State, HttpMessageInvoker Client, ForwarderOptions BaseOptions);
