using Portico.Services.LoadBalancing;

namespace Portico.Tcp.Services;

/// <summary><c>tcp.services.&lt;s&gt;.weighted</c>: smooth weighted round robin over other TCP services.</summary>
internal sealed class TcpWeightedService : ITcpService
{
    private readonly ITcpService[] _children;
    private readonly double[] _weights;
    private readonly int[] _candidates;
    private readonly double[] _current;
    private readonly Lock _lock = new();

    public TcpWeightedService(string name, IReadOnlyList<(ITcpService Service, int Weight)> children)
    {
        Name = name;

        // A weight of 0 takes no traffic, as in Traefik.
        var kept = children.Where(c => c.Weight > 0).ToArray();
        _children = kept.Select(c => c.Service).ToArray();
        _weights = kept.Select(c => (double)c.Weight).ToArray();
        _candidates = Enumerable.Range(0, _children.Length).ToArray();
        _current = new double[_children.Length];
    }

    public string Name { get; }

    public ValueTask<TcpBackendConnection?> ConnectAsync(CancellationToken cancellationToken)
    {
        int index;
        lock (_lock)
        {
            index = SmoothWeightedRoundRobin.Pick(_current, _candidates, _weights);
        }

        return index < 0 ? ValueTask.FromResult<TcpBackendConnection?>(null) : _children[index].ConnectAsync(cancellationToken);
    }
}
