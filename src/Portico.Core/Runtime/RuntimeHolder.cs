namespace Portico.Runtime;

/// <summary>Holds the live <see cref="RuntimeSnapshot"/>. Readers take it once per request; a reload swaps the reference.</summary>
internal sealed class RuntimeHolder
{
    private RuntimeSnapshot _current = RuntimeSnapshot.Empty;

    /// <summary>Raised after every swap with the new snapshot (API caches, tests waiting for a reload).</summary>
    public event Action<RuntimeSnapshot>? Swapped;

    public RuntimeSnapshot Current => Volatile.Read(ref _current);

    /// <summary>TLS-ALPN-01 challenges and on-demand TLS, lent by the ACME provider to the HTTPS entry points.</summary>
    public Tls.TlsHandshakeHooks TlsHooks { get; } = new();

    public RuntimeSnapshot Swap(RuntimeSnapshot next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        Swapped?.Invoke(next);
        return previous;
    }

    /// <summary>Completes when a snapshot at or after <paramref name="generation"/> is live.</summary>
    public Task<RuntimeSnapshot> WaitForGenerationAsync(long generation)
    {
        var tcs = new TaskCompletionSource<RuntimeSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(RuntimeSnapshot snapshot)
        {
            if (snapshot.Generation >= generation)
            {
                Swapped -= Handler;
                tcs.TrySetResult(snapshot);
            }
        }

        Swapped += Handler;
        var current = Current;
        if (current.Generation >= generation)
        {
            Swapped -= Handler;
            tcs.TrySetResult(current);
        }

        return tcs.Task;
    }
}
