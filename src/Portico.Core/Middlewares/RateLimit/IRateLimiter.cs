namespace Portico.Middlewares.RateLimit;

/// <summary>Where the buckets live: in this process, or in Redis for a limit shared by every replica.</summary>
internal interface IRateLimiter
{
    /// <summary>
    /// Takes a token for <paramref name="source"/> and returns the wait before it is available; a wait above the bucket's
    /// maxDelay means the request is refused. Throws when the store cannot be reached.
    /// </summary>
    ValueTask<TimeSpan> TakeAsync(string source, CancellationToken cancellationToken);
}
