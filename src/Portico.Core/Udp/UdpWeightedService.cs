using Portico.Services.LoadBalancing;

namespace Portico.Udp;

/// <summary><c>udp.services.&lt;s&gt;.weighted</c>: smooth weighted round robin over other UDP services, one pick per new session.</summary>
internal sealed class UdpWeightedService : IUdpService
{
    private readonly IUdpService[] _children;
    private readonly double[] _weights;
    private readonly int[] _candidates;
    private readonly double[] _current;
    private readonly Lock _lock = new();

    public UdpWeightedService(string name, IReadOnlyList<(IUdpService Service, int Weight)> children)
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

    public UdpServerTarget? Next()
    {
        int index;
        lock (_lock)
        {
            index = SmoothWeightedRoundRobin.Pick(_current, _candidates, _weights);
        }

        return index < 0 ? null : _children[index].Next();
    }
}
