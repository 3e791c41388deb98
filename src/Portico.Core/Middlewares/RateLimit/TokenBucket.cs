namespace Portico.Middlewares.RateLimit;

/// <summary>
/// The bucket parameters Traefik derives from the options, and the one step of Go's <c>rate.Limiter.Reserve</c> that
/// the in-memory and Redis limiters share: refill for the elapsed time, take a token, and give it back when the wait
/// would exceed <see cref="MaxDelay"/> (the request is then refused).
/// </summary>
internal sealed record TokenBucket
{
    /// <summary>Tokens per second; positive (an <c>average</c> of 0 never builds a limiter).</summary>
    public required double Rate { get; init; }

    public required long Burst { get; init; }

    /// <summary>The longest a request is held back instead of refused.</summary>
    public required TimeSpan MaxDelay { get; init; }

    /// <summary>How long an idle bucket is kept, in whole seconds.</summary>
    public required int TtlSeconds { get; init; }

    /// <summary>Traefik's derivation: maxDelay is half a token interval (500 ms below one token per second), ttl 2 s or longer for slow rates.</summary>
    public static TokenBucket From(long average, TimeSpan period, long burst)
    {
        var rate = average * (double)TimeSpan.TicksPerSecond / period.Ticks;

        // Go divides a second by the truncated integer rate times two, in nanoseconds.
        var maxDelay = rate < 1
            ? TimeSpan.FromMilliseconds(500)
            : TimeSpan.FromTicks(1_000_000_000L / ((long)rate * 2) / 100);
        var ttl = rate >= 1 ? 2 : 1 + (int)Math.Min(int.MaxValue - 1, 1 / rate);
        return new TokenBucket { Rate = rate, Burst = Math.Max(1, burst), MaxDelay = maxDelay, TtlSeconds = ttl };
    }

    /// <summary>
    /// Takes a token at <paramref name="elapsedSeconds"/> after the bucket's last update. Returns the wait before the
    /// token is available (zero when it is available now); the token stays taken only when that wait is within
    /// <see cref="MaxDelay"/>.
    /// </summary>
    public TimeSpan Take(ref double tokens, double elapsedSeconds)
    {
        var available = Math.Min(Burst, tokens + (Math.Max(0, elapsedSeconds) * Rate)) - 1;
        if (available >= 0)
        {
            tokens = available;
            return TimeSpan.Zero;
        }

        // Rounded up to a whole tick so float noise never lets a request through early (Go truncates).
        var wait = TimeSpan.FromTicks((long)Math.Ceiling(-available / Rate * TimeSpan.TicksPerSecond));
        tokens = wait > MaxDelay ? available + 1 : available;
        return wait;
    }
}
