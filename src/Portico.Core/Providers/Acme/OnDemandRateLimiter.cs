namespace Portico.Providers.Acme;

/// <summary>
/// A token bucket on the injected clock: at most <c>burst</c> orders at once, refilled continuously at <c>burst</c> per
/// <c>period</c>. It bounds how many certificates handshakes can make Portico order, whatever the ask endpoint approves.
/// </summary>
internal sealed class OnDemandRateLimiter(int burst, TimeSpan period, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly double _perTick = burst / (double)period.Ticks;
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes one token if there is one.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).Ticks * _perTick));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
