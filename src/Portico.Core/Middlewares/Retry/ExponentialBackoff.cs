namespace Portico.Middlewares.Retry;

/// <summary>
/// Traefik's retry backoff: cenkalti/backoff's exponential backoff (randomization factor 0.5, maximum interval 60s)
/// starting at <c>initialInterval</c>, with a multiplier of 2^(1/(attempts-1)) so that the interval reaches twice the
/// initial one at the last attempt. Each wait is drawn uniformly from [interval × 0.5, interval × 1.5].
/// </summary>
internal struct ExponentialBackoff
{
    private const double RandomizationFactor = 0.5;
    private static readonly double MaxIntervalNanos = TimeSpan.FromSeconds(60).Ticks * 100.0;

    private readonly double _multiplier;
    private double _currentNanos;

    public ExponentialBackoff(TimeSpan initialInterval, int attempts)
    {
        _currentNanos = attempts < 2 || initialInterval <= TimeSpan.Zero ? 0 : initialInterval.Ticks * 100.0;
        _multiplier = attempts < 2 ? 1 : Math.Pow(2, 1.0 / (attempts - 1));
    }

    /// <summary>The wait before the next attempt, for a random number in [0, 1).</summary>
    public TimeSpan Next(double random)
    {
        if (_currentNanos <= 0)
        {
            return TimeSpan.Zero;
        }

        // Go computes in nanoseconds; the +1 makes both ends of the range reachable, as in cenkalti/backoff.
        var delta = RandomizationFactor * _currentNanos;
        var min = _currentNanos - delta;
        var max = _currentNanos + delta;
        var next = min + (random * (max - min + 1));
        _currentNanos = _currentNanos >= MaxIntervalNanos / _multiplier ? MaxIntervalNanos : _currentNanos * _multiplier;
        return TimeSpan.FromTicks((long)(next / 100));
    }
}
