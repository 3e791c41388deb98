namespace Portico.Services.Composite;

/// <summary>
/// Follows the health of a composite's children and raises the composite's own transition once, like Traefik's
/// status updaters: a parent only hears "went down" or "came back", not every child flip.
/// </summary>
internal sealed class CompositeHealth
{
    private readonly Func<bool> _compute;
    private readonly Action<bool> _raise;
    private readonly Lock _gate = new();
    private bool _last;

    public CompositeHealth(IEnumerable<IHttpService> children, Func<bool> compute, Action<bool> raise)
    {
        _compute = compute;
        _raise = raise;
        _last = compute();
        foreach (var child in children)
        {
            if (child is IHealthReportingService reporting)
            {
                reporting.HealthChanged += OnChildChanged;
            }
        }
    }

    private void OnChildChanged(IHttpService child, bool healthy)
    {
        bool now;
        lock (_gate)
        {
            now = _compute();
            if (now == _last)
            {
                return;
            }

            _last = now;
        }

        _raise(now);
    }
}
