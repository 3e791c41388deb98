namespace Portico.Providers.Acme;

/// <summary>
/// Names on-demand TLS refused or failed to obtain, remembered for <paramref name="duration"/> so that repeated
/// handshakes neither ask the <c>ask</c> endpoint again nor order again. Bounded: when full after dropping expired
/// entries, it starts over rather than grow without limit under a flood of random names.
/// </summary>
internal sealed class OnDemandRefusals(TimeSpan duration, TimeProvider time, int capacity = 10_000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _until = new(StringComparer.OrdinalIgnoreCase);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _until.Count;
            }
        }
    }

    public void Add(string name)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_until.Count >= capacity)
            {
                foreach (var (key, until) in _until)
                {
                    if (until <= now)
                    {
                        _until.Remove(key);
                    }
                }

                if (_until.Count >= capacity)
                {
                    _until.Clear();
                }
            }

            _until[name] = now + duration;
        }
    }

    public bool IsRefused(string name)
    {
        lock (_gate)
        {
            if (!_until.TryGetValue(name, out var until))
            {
                return false;
            }

            if (until > time.GetUtcNow())
            {
                return true;
            }

            _until.Remove(name);
            return false;
        }
    }
}
