using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.Buffering;

/// <summary>Builds <c>buffering</c>; negative sizes and a retry expression that does not parse are errors.</summary>
internal sealed class BufferingFactory : IMiddlewareFactory
{
    public string TypeName => "buffering";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<BufferingOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        foreach (var (name, value) in (ReadOnlySpan<(string, long)>)[
            ("maxRequestBodyBytes", options.MaxRequestBodyBytes), ("memRequestBodyBytes", options.MemRequestBodyBytes),
            ("maxResponseBodyBytes", options.MaxResponseBodyBytes), ("memResponseBodyBytes", options.MemResponseBodyBytes)])
        {
            if (value < 0)
            {
                context.Error($"{name} must not be negative");
            }
        }

        Func<RetryState, bool>? retry = null;
        if (!string.IsNullOrWhiteSpace(options.RetryExpression))
        {
            retry = RetryExpression.TryParse(options.RetryExpression, out var error);
            if (retry is null)
            {
                context.Error($"retryExpression: {error}");
            }
        }

        if (context.HasErrors)
        {
            return null;
        }

        return next => new BufferingMiddleware(next, options, retry).InvokeAsync;
    }
}
