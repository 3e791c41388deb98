using Portico.Services.LoadBalancing;

namespace Portico.Tcp.Services;

/// <summary>
/// <c>tcp.services.&lt;s&gt;.weighted</c>: smooth weighted round robin over other TCP services. With <c>healthCheck</c>
/// (followHealth), children whose servers are all down leave the rotation, as in Traefik; without it
/// the service does not follow its children's health.
/// </summary>
internal sealed class TcpWeightedService : ITcpService
{
    private readonly ITcpService[] _children;
    private readonly double[] _weights;
    private readonly double[] _current;
    private readonly bool _followHealth;
    private readonly Lock _lock = new();

    public TcpWeightedService(string name, IReadOnlyList<(ITcpService Service, int Weight)> children, bool followHealth = false)
    {
        Name = name;

        // A weight of 0 takes no traffic, as in Traefik.
        var kept = children.Where(c => c.Weight > 0).ToArray();
        _children = kept.Select(c => c.Service).ToArray();
        _weights = kept.Select(c => (double)c.Weight).ToArray();
        _current = new double[_children.Length];
        _followHealth = followHealth;
    }

    public string Name { get; }

    /// <summary>Up while any child is up.</summary>
    public bool IsHealthy
    {
        get
        {
            foreach (var child in _children)
            {
                if (child.IsHealthy)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public ValueTask<TcpBackendConnection?> ConnectAsync(TcpClientAddresses client, CancellationToken cancellationToken)
    {
        var count = _children.Length;
        Span<int> candidates = count <= 64 ? stackalloc int[count] : new int[count];
        Span<double> weights = count <= 64 ? stackalloc double[count] : new double[count];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            if (!_followHealth || _children[i].IsHealthy)
            {
                candidates[n] = i;
                weights[n] = _weights[i];
                n++;
            }
        }

        int index;
        lock (_lock)
        {
            index = SmoothWeightedRoundRobin.Pick(_current, candidates[..n], weights[..n]);
        }

        return index < 0 ? ValueTask.FromResult<TcpBackendConnection?>(null) : _children[index].ConnectAsync(client, cancellationToken);
    }
}
