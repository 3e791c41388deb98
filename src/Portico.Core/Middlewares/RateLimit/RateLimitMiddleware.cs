using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portico.Configuration.Parsing;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.RateLimit;

/// <summary>
/// Traefik's rate limiter: a request whose token is available now goes on; one whose token comes within maxDelay is held
/// back until then (traffic shaping); any other gets 429 with <c>Retry-After</c> (whole seconds, rounded up) and
/// <c>X-Retry-In</c> (a Go duration). When the bucket store fails (Redis unreachable) the request gets 500, as in Traefik.
/// </summary>
internal sealed partial class RateLimitMiddleware
{
    private static readonly byte[] TooManyRequests = "Too Many Requests"u8.ToArray();
    private static readonly byte[] StoreFailed = "Could not insert/update bucket\n"u8.ToArray();

    private readonly RequestDelegate _next;
    private readonly SourceExtractor _extractor;
    private readonly IRateLimiter _limiter;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly ILogger _logger;

    public RateLimitMiddleware(RequestDelegate next, SourceExtractor extractor, IRateLimiter limiter, TimeSpan maxDelay, TimeProvider time, string name, ILogger logger)
    {
        _next = next;
        _extractor = extractor;
        _limiter = limiter;
        _maxDelay = maxDelay;
        _time = time;
        _name = name;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // 1. Key the bucket by source. 2. Take a token. 3. Go on now, wait, or refuse.
        var source = _extractor.Extract(context);
        ValueTask<TimeSpan> pending;
        try
        {
            pending = _limiter.TakeAsync(source, context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return FailAsync(context, e);
        }

        if (pending.IsCompletedSuccessfully && pending.Result == TimeSpan.Zero)
        {
            return _next(context);
        }

        return CompleteAsync(context, pending);
    }

    private async Task CompleteAsync(HttpContext context, ValueTask<TimeSpan> pending)
    {
        TimeSpan wait;
        try
        {
            wait = await pending;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            await FailAsync(context, e);
            return;
        }

        if (wait > _maxDelay)
        {
            await RefuseAsync(context, wait);
            return;
        }

        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _time, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client left while held back: nothing to answer.
                return;
            }
        }

        await _next(context);
    }

    private static Task RefuseAsync(HttpContext context, TimeSpan wait)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Retry-In"] = GoDuration.Format(wait);
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = TooManyRequests.Length;
        return response.Body.WriteAsync(TooManyRequests, context.RequestAborted).AsTask();
    }

    private Task FailAsync(HttpContext context, Exception error)
    {
        LogStoreFailed(_logger, _name, error.Message, error);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status500InternalServerError;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = StoreFailed.Length;
        return response.Body.WriteAsync(StoreFailed, context.RequestAborted).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Middleware {Name} could not insert/update its rate-limit bucket: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string name, string reason, Exception exception);
}
