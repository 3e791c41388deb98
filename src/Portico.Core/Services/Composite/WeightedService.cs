using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portico.Services.LoadBalancing;
using Portico.Services.Sticky;

namespace Portico.Services.Composite;

/// <summary>
/// Traefik's <c>weighted</c> service: smooth weighted round robin over child services, with an optional sticky
/// cookie naming the child. As in Traefik, down children are skipped only when the service has <c>healthCheck</c>
/// (otherwise it does not follow its children's health).
/// </summary>
internal sealed class WeightedService : IHealthReportingService
{
    private readonly IHttpService[] _children;
    private readonly double[] _weights;
    private readonly bool _followHealth;
    private readonly StickySelector? _sticky;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly double[] _current;
    private readonly int[] _all;
    private readonly CompositeHealth _health;

    /// <param name="children">Children with a positive weight (Traefik ignores the others).</param>
    public WeightedService(string name, IReadOnlyList<(IHttpService Service, int Weight)> children, bool followHealth, StickySelector? sticky, ILogger logger)
    {
        Name = name;
        _children = new IHttpService[children.Count];
        _weights = new double[children.Count];
        _all = new int[children.Count];
        for (var i = 0; i < children.Count; i++)
        {
            _children[i] = children[i].Service;
            _weights[i] = children[i].Weight;
            _all[i] = i;
        }

        _current = new double[children.Count];
        _followHealth = followHealth;
        _sticky = sticky;
        _logger = logger;
        _health = new CompositeHealth(_children, () => IsHealthy, healthy => HealthChanged?.Invoke(this, healthy));
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

    public IReadOnlyList<IHttpService> Children => _children;

    public event Action<IHttpService, bool>? HealthChanged;

    public Task HandleAsync(HttpContext context)
    {
        var writeCookie = false;
        if (_sticky is not null)
        {
            var index = _sticky.Find(context, out var legacy);
            if (index >= 0 && Usable(index))
            {
                if (legacy)
                {
                    _sticky.Write(context, index);
                }

                return _children[index].HandleAsync(context);
            }

            writeCookie = true;
        }

        var picked = Pick();
        if (picked < 0)
        {
            ServiceLog.NoAvailableServer(_logger, Name);
            return ServiceResponses.WriteNoAvailableServerAsync(context);
        }

        if (writeCookie)
        {
            _sticky!.Write(context, picked);
        }

        return _children[picked].HandleAsync(context);
    }

    private bool Usable(int index) => !_followHealth || _children[index].IsHealthy;

    private int Pick()
    {
        var count = _children.Length;
        Span<int> candidates = count <= 64 ? stackalloc int[count] : new int[count];
        Span<double> weights = count <= 64 ? stackalloc double[count] : new double[count];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            if (Usable(i))
            {
                candidates[n] = _all[i];
                weights[n] = _weights[i];
                n++;
            }
        }

        if (n == 0)
        {
            return -1;
        }

        lock (_gate)
        {
            return SmoothWeightedRoundRobin.Pick(_current, candidates[..n], weights[..n]);
        }
    }
}
