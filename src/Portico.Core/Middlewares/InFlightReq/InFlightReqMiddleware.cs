using Microsoft.AspNetCore.Http;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.InFlightReq;

/// <summary>
/// Counts the request against its source for as long as the rest of the chain runs (including when the client aborts
/// or a later stage throws), and answers 429 "Too Many Requests" when the source is at its limit, as Traefik does.
/// </summary>
internal sealed class InFlightReqMiddleware
{
    private static readonly byte[] RejectBody = "Too Many Requests"u8.ToArray();

    private readonly RequestDelegate _next;
    private readonly SourceExtractor _extractor;
    private readonly InFlightCounters _counters;

    public InFlightReqMiddleware(RequestDelegate next, SourceExtractor extractor, InFlightCounters counters)
    {
        _next = next;
        _extractor = extractor;
        _counters = counters;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var source = _extractor.Extract(context);
        if (!_counters.TryAcquire(source))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = RejectBody.Length;
            return context.Response.Body.WriteAsync(RejectBody, context.RequestAborted).AsTask();
        }

        return RunAsync(context, source);
    }

    private async Task RunAsync(HttpContext context, string source)
    {
        try
        {
            await _next(context);
        }
        finally
        {
            _counters.Release(source);
        }
    }
}
