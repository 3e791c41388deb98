using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Portico.Forwarding;
using Portico.Runtime;
using Portico.Services.Composite;

namespace Portico.Middlewares.Retry;

/// <summary>
/// Traefik's <c>retry</c>: sends the request again when the backend could not be reached (nothing was sent to it) or,
/// with <c>status</c>, when its answer has a listed status and the method is idempotent. Every attempt but the last runs
/// behind a <see cref="ResponseGate"/>, so a failed answer never reaches the client and a good one streams straight
/// through; once any byte went to the client there is no retry.
/// </summary>
internal sealed class RetryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly int _attempts;
    private readonly TimeSpan _initialInterval;
    private readonly TimeSpan _timeout;
    private readonly long _maxRequestBodyBytes;
    private readonly StatusRanges? _status;
    private readonly bool _retryOnNetworkError;
    private readonly bool _retryNonIdempotentMethod;
    private readonly RetryBudget? _budget;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly ILogger _logger;
    private readonly string _name;

    public RetryMiddleware(RequestDelegate next, RetryOptions options, StatusRanges? status, string name, TimeProvider time, Func<double> random, ILogger logger, RetryBudget? budget = null)
    {
        _next = next;
        _attempts = options.Attempts;
        _initialInterval = options.InitialInterval;
        _timeout = options.Timeout;
        _maxRequestBodyBytes = options.MaxRequestBodyBytes;
        _status = status;
        _retryOnNetworkError = !options.DisableRetryOnNetworkError;
        _retryNonIdempotentMethod = options.RetryNonIdempotentMethod;
        // A budget handed in (kept across reloads by the factory) wins; otherwise the instance has its own.
        _budget = budget ?? (options.Budget is { } own ? new RetryBudget(own, time) : null);
        _time = time;
        _random = random;
        _logger = logger;
        _name = name;
    }

    public Task InvokeAsync(HttpContext context)
    {
        _budget?.RecordRequest();
        return RunAsync(context);
    }

    /// <summary>Traefik's rule: every method but POST, PATCH and LOCK is treated as idempotent.</summary>
    internal static bool IsIdempotent(string method) =>
        !HttpMethods.IsPost(method) && !HttpMethods.IsPatch(method) && !string.Equals(method, "LOCK", StringComparison.OrdinalIgnoreCase);

    /// <summary>Asked by the gate once the attempt's status is known, before anything reached the client.</summary>
    internal bool ShouldRetry(HttpContext context, long started, bool statusRetries)
    {
        if (context.RequestAborted.IsCancellationRequested || (_timeout > TimeSpan.Zero && _time.GetElapsedTime(started) >= _timeout))
        {
            return false;
        }

        var retriable = (_retryOnNetworkError && ProxyErrorInfo.Get(context) is { } error && error.Error.IsSafeToRetry())
            || (statusRetries && _status!.Contains(context.Response.StatusCode));
        if (retriable && _budget is not null && !_budget.TryAcquire())
        {
            RetryLog.BudgetExhausted(_logger, _name);
            return false;
        }

        return retriable;
    }

    private async Task RunAsync(HttpContext context)
    {
        // 1. Status retries need an idempotent method (unless allowed) and a body small enough to keep for replay.
        var request = context.Request;
        var statusRetries = _status is not null && (_retryNonIdempotentMethod || IsIdempotent(request.Method));
        RequestBodyBuffer? body = null;
        if (statusRetries && RequestBodyBuffer.HasBody(request))
        {
            body = await RequestBodyBuffer.ReadAsync(request, _maxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (!body.IsComplete)
            {
                // Too large to replay: the bytes already read go first, then the rest; only network errors are retried.
                request.Body = body.OpenReadThen(request.Body);
                statusRetries = false;
                body = null;
            }
        }

        // 2. Headers set by outer middlewares survive a discarded attempt; usually there are none.
        var keep = context.Response.Headers.Count == 0 ? null : context.Response.Headers.ToArray();
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var started = _time.GetTimestamp();
        var backoff = new ExponentialBackoff(_initialInterval, _attempts);
        for (var attempt = 1; ; attempt++)
        {
            if (body is not null)
            {
                request.Body = body.OpenRead();
            }

            // 3. The last attempt answers the client directly, as in Traefik.
            if (attempt == _attempts)
            {
                await _next(context).ConfigureAwait(false);
                return;
            }

            // 4. Any other attempt runs behind the gate, which asks ShouldRetry when the status is known.
            context.Features.Set<ProxyErrorInfo>(null);
            var gate = new RetryResponseGate(context, original, this, started, statusRetries);
            context.Features.Set<IHttpResponseBodyFeature>(gate);
            try
            {
                await _next(context).ConfigureAwait(false);
                await gate.FinishAsync().ConfigureAwait(false);
            }
            finally
            {
                context.Features.Set(original);
            }

            if (!gate.Diverted)
            {
                return;
            }

            // 5. The answer was swallowed: count the retry, reset the response and wait for the backoff.
            ResponseGate.ResetResponse(context, keep);
            if (PorticoRequestFeature.Get(context) is { } feature)
            {
                feature.RetryAttempts++;
            }

            RetryLog.Retrying(_logger, _name, attempt + 1, gate.DivertedStatus);
            var delay = backoff.Next(_random());
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, _time, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private sealed class RetryResponseGate(HttpContext context, IHttpResponseBodyFeature inner, RetryMiddleware retry, long started, bool statusRetries)
        : ResponseGate(context, inner)
    {
        protected override bool ShouldDivert() => retry.ShouldRetry(Context, started, statusRetries);
    }
}

internal static partial class RetryLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Retry {Middleware}: new attempt {Attempt} after status {Status}")]
    public static partial void Retrying(ILogger logger, string middleware, int attempt, int status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Retry {Middleware}: retry budget spent, the failed answer goes to the client")]
    public static partial void BudgetExhausted(ILogger logger, string middleware);
}
