namespace Portico.Middlewares.Retry;

/// <summary>Traefik <c>retry</c> options (3.7), plus Portico's <see cref="Budget"/>.</summary>
internal sealed record RetryOptions
{
    /// <summary>Traefik's default since 3.7: bodies up to 2 MiB are kept so that they can be replayed.</summary>
    public const long DefaultMaxRequestBodyBytes = 2 * 1024 * 1024;

    /// <summary>How many times the request is sent at most (the first attempt included); required, at least 1.</summary>
    public int Attempts { get; init; }

    /// <summary>The first wait of the exponential backoff; zero retries at once.</summary>
    public TimeSpan InitialInterval { get; init; }

    /// <summary>How long the middleware may keep retrying; zero is no limit.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>The largest body kept for replay; a larger body turns status retries off for that request. Negative: no limit.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>Status codes and ranges (<c>500-599</c>) whose responses are retried.</summary>
    public IReadOnlyList<string> Status { get; init; } = [];

    public bool DisableRetryOnNetworkError { get; init; }

    public bool RetryNonIdempotentMethod { get; init; }

    /// <summary>Portico extension: caps retries to a share of recent requests.</summary>
    public RetryBudgetOptions? Budget { get; init; }
}

/// <summary>
/// Portico's retry budget (as Finagle's and Linkerd's): within a sliding <see cref="Window"/>, retries may not exceed
/// <see cref="MinRetriesPerSecond"/> × window seconds plus <see cref="Ratio"/> × requests.
/// </summary>
internal sealed record RetryBudgetOptions
{
    public double Ratio { get; init; } = 0.2;

    public double MinRetriesPerSecond { get; init; } = 10;

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);
}
