namespace Portico.Middlewares.CircuitBreaker;

/// <summary>Traefik <c>circuitBreaker</c> options; zero or negative durations fall back to the defaults, as in Traefik.</summary>
internal sealed record CircuitBreakerOptions
{
    public static readonly TimeSpan DefaultCheckPeriod = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultFallbackDuration = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRecoveryDuration = TimeSpan.FromSeconds(10);

    /// <summary>When to trip, for example <c>NetworkErrorRatio() &gt; 0.5 || LatencyAtQuantileMS(50.0) &gt; 100</c>.</summary>
    public string Expression { get; init; } = string.Empty;

    /// <summary>How often the expression is evaluated (at most once per period, on a completed request).</summary>
    public TimeSpan CheckPeriod { get; init; } = DefaultCheckPeriod;

    /// <summary>How long a tripped breaker answers every request with <see cref="ResponseCode"/>.</summary>
    public TimeSpan FallbackDuration { get; init; } = DefaultFallbackDuration;

    /// <summary>How long the recovering breaker ramps traffic back before it closes again.</summary>
    public TimeSpan RecoveryDuration { get; init; } = DefaultRecoveryDuration;

    public int ResponseCode { get; init; } = 503;
}
