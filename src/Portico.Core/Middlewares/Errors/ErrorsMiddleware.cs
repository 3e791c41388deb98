using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Services;
using Portico.Services.Composite;

namespace Portico.Middlewares.Errors;

/// <summary>
/// Traefik's <c>errors</c>: when the answer of the next handler has a status in the ranges, its head and body are
/// discarded before anything reaches the client, and the error service's page is sent instead with the original status
/// (or its rewrite). Other answers stream through untouched.
/// </summary>
internal sealed class ErrorsMiddleware(RequestDelegate next, StatusRanges ranges, (StatusRanges From, int To)[] rewrites, IHttpService service, ErrorPageRequest page)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // 1. Run the next handler behind a gate that swallows an answer whose status is in the ranges.
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var gate = new FailoverResponseGate(context, original, ranges, fallback: null);
        context.Features.Set<IHttpResponseBodyFeature>(gate);
        try
        {
            await next(context).ConfigureAwait(false);
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

        // 2. Reset the response and ask the error service for its page, with the request it expects.
        var originalStatus = gate.DivertedStatus;
        var status = Rewrite(originalStatus);
        var response = context.Response;
        response.Headers.Clear();
        response.StatusCode = StatusCodes.Status200OK;
        context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = null;
        var saved = page.Apply(context, status, originalStatus);
        try
        {
            // 3. Whatever the error service answers, the client gets the status of the error (Traefik's codeModifier).
            var enforcer = new StatusEnforcer(context, original, status);
            context.Features.Set<IHttpResponseBodyFeature>(enforcer);
            try
            {
                await service.HandleAsync(context).ConfigureAwait(false);
                await enforcer.DrainWriterAsync().ConfigureAwait(false);
            }
            finally
            {
                context.Features.Set(original);
            }

            if (!response.HasStarted)
            {
                response.StatusCode = status;
            }
        }
        finally
        {
            ErrorPageRequest.Restore(context, saved);
        }
    }

    private int Rewrite(int status)
    {
        foreach (var (from, to) in rewrites)
        {
            if (from.Contains(status))
            {
                return to;
            }
        }

        return status;
    }

    /// <summary>Sets the enforced status just before the error page's head goes out.</summary>
    private sealed class StatusEnforcer(HttpContext context, IHttpResponseBodyFeature inner, int status) : ResponseBodyInterceptor(inner)
    {
        public override Task StartAsync(CancellationToken cancellationToken = default)
        {
            Enforce();
            return Inner.StartAsync(cancellationToken);
        }

        public override Task CompleteAsync()
        {
            Enforce();
            return Inner.CompleteAsync();
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Enforce();
            return Inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Enforce();
            return Inner.Stream.FlushAsync(cancellationToken);
        }

        private void Enforce()
        {
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = status;
            }
        }
    }
}
