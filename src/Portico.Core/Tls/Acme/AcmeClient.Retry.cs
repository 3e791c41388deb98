using System.Net;

namespace Portico.Tls.Acme;

/// <summary>
/// How the client waits out a busy CA: a <c>rateLimited</c> (429) or unavailable (503) answer is retried after its
/// <c>Retry-After</c> (seconds or an HTTP date) or, without one, after 1 s doubling, at most <see cref="MaxBusyRetries"/>
/// times and never longer than <see cref="MaxRetryWait"/> per wait. A longer wait is not slept here: the error goes up
/// with <see cref="AcmeException.RetryAfter"/>, and the resolver schedules its next attempt for then.
/// </summary>
internal sealed partial class AcmeClient
{
    /// <summary>badNonce rejections retried per request; RFC 8555 §6.5 expects clients to retry them.</summary>
    public const int MaxBadNonceRetries = 5;

    /// <summary>429/503 answers retried per request before the error goes up.</summary>
    public const int MaxBusyRetries = 3;

    private static readonly TimeSpan FirstBusyDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest Retry-After the client sleeps through itself.</summary>
    public TimeSpan MaxRetryWait { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Waits before the next attempt of a busy answer, or throws the CA's problem when it must not be retried.</summary>
    private async Task WaitOrThrowAsync(HttpResponseMessage response, AcmeProblem problem, int attempt, CancellationToken cancellationToken)
    {
        var retryAfter = RetryAfter(response);
        var busy = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
        if (busy && attempt <= MaxBusyRetries)
        {
            var delay = RetryDelay(retryAfter, attempt);
            if (delay <= MaxRetryWait)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var at = retryAfter is { } wait ? _time.GetUtcNow() + wait : (DateTimeOffset?)null;
        throw new AcmeException(problem, response.StatusCode) { RetryAfter = at };
    }

    /// <summary>Retry-After as a delay from now: delta-seconds, or an HTTP date (a date in the past is no wait).</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>The CA's Retry-After when it gave one, else 1 s, 2 s, 4 s...</summary>
    internal static TimeSpan RetryDelay(TimeSpan? retryAfter, int attempt) =>
        retryAfter ?? TimeSpan.FromTicks(FirstBusyDelay.Ticks << Math.Min(attempt - 1, 10));

    /// <summary>The targets of <c>Link: &lt;url&gt;;rel="alternate"</c> headers (RFC 8555 §7.4.2), resolved against the request URL.</summary>
    private static IReadOnlyList<Uri> LinkHeaders(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return [];
        }

        var alternates = new List<Uri>();
        foreach (var value in values)
        {
            foreach (var link in value.Split(','))
            {
                var open = link.IndexOf('<', StringComparison.Ordinal);
                var close = link.IndexOf('>', StringComparison.Ordinal);
                if (open < 0 || close < open)
                {
                    continue;
                }

                var parameters = link[(close + 1)..].Replace(" ", string.Empty, StringComparison.Ordinal);
                if (!parameters.Contains("rel=\"alternate\"", StringComparison.OrdinalIgnoreCase) && !parameters.Contains("rel=alternate", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var target = link[(open + 1)..close];
                if (Uri.TryCreate(response.RequestMessage?.RequestUri, target, out var uri))
                {
                    alternates.Add(uri);
                }
            }
        }

        return alternates;
    }
}
