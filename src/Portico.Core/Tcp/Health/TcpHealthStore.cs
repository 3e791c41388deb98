namespace Portico.Tcp.Health;

/// <summary>
/// The health of one TCP load balancer's servers and the checker that maintains it: what a reload keeps when the
/// service's configuration (and its transport's) did not change, so a server found down stays down.
/// </summary>
internal sealed class TcpHealthState(object key, TcpServerHealth[] servers, TcpHealthChecker? checker) : IAsyncDisposable, IDisposable
{
    /// <summary>What the state was built from; the next build keeps the state when its key is equal (see <see cref="TcpHealthStore.Take"/>).</summary>
    public object Key { get; } = key;

    public TcpServerHealth[] Servers { get; } = servers;

    public TcpHealthChecker? Checker { get; } = checker;

    public void Dispose() => Checker?.Dispose();

    public ValueTask DisposeAsync() => Checker?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// The TCP health states of one build, by service name. The next build takes over the unchanged ones; disposing the
/// store stops the checkers it still owns (those of removed or changed services).
/// </summary>
internal sealed class TcpHealthStore : IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, TcpHealthState> _states = new(StringComparer.Ordinal);

    /// <summary>Hands <paramref name="name"/>'s state to a newer build when <paramref name="sameKey"/> says nothing changed.</summary>
    public TcpHealthState? Take(string name, Func<object, bool> sameKey)
    {
        lock (_states)
        {
            if (_states.TryGetValue(name, out var state) && sameKey(state.Key))
            {
                _states.Remove(name);
                return state;
            }

            return null;
        }
    }

    public void Add(string name, TcpHealthState state)
    {
        lock (_states)
        {
            _states[name] = state;
        }
    }

    public void Dispose()
    {
        foreach (var state in Drain())
        {
            state.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var state in Drain())
        {
            await state.DisposeAsync().ConfigureAwait(false);
        }
    }

    private List<TcpHealthState> Drain()
    {
        lock (_states)
        {
            var all = _states.Values.ToList();
            _states.Clear();
            return all;
        }
    }
}
