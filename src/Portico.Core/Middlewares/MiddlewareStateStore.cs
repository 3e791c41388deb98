using Portico.Configuration.Parsing;

namespace Portico.Middlewares;

/// <summary>
/// State that a middleware keeps across configuration reloads (rate-limit buckets, circuit-breaker windows, in-flight
/// counters), keyed by the middleware, the router its instance serves and the state's purpose. A build takes state from
/// the previous build when the middleware's options did not change; state no build took is disposed when the next
/// build is published.
/// </summary>
internal sealed class MiddlewareStateStore
{
    private readonly Dictionary<(string Middleware, string? Router, string Purpose), Entry> _entries = [];
    private readonly MiddlewareStateStore? _previous;
    private readonly Lock _gate = new();

    public MiddlewareStateStore(MiddlewareStateStore? previous)
    {
        _previous = previous;
    }

    /// <summary>The state for this key: the previous build's when <paramref name="options"/> are unchanged, else a new one.</summary>
    public T GetOrCreate<T>(string middleware, string? router, string purpose, ConfigNode options, Func<T> create)
        where T : class
    {
        var key = (middleware, router, purpose);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var mine) && mine.State is T already)
            {
                return already;
            }

            var state = _previous?.Take(key, options) as T ?? create();
            _entries[key] = new Entry(options, state);
            return state;
        }
    }

    /// <summary>Disposes the state of the previous build that this build did not take over.</summary>
    public void ReleasePrevious()
    {
        if (_previous is null)
        {
            return;
        }

        lock (_previous._gate)
        {
            foreach (var entry in _previous._entries.Values)
            {
                (entry.State as IDisposable)?.Dispose();
            }

            _previous._entries.Clear();
        }
    }

    private object? Take((string, string?, string) key, ConfigNode options)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && ConfigEquality.DeepEquals(entry.Options, options))
            {
                _entries.Remove(key);
                return entry.State;
            }

            return null;
        }
    }

    private sealed record Entry(ConfigNode Options, object State);
}
