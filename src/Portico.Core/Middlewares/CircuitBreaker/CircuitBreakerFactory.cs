using Microsoft.AspNetCore.Http;
using Portico.Configuration;

namespace Portico.Middlewares.CircuitBreaker;

/// <summary>
/// Builds <c>circuitBreaker</c>: the expression is parsed once here (a syntax error is a configuration error naming the
/// column), and every router gets its own breaker with its own metrics, as in Traefik.
/// </summary>
internal sealed class CircuitBreakerFactory : IMiddlewareFactory
{
    public string TypeName => "circuitBreaker";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<CircuitBreakerOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var location = context.Options.Get("expression")?.Location ?? context.Options.Location;
        ParsedBreakerExpression? expression = null;
        if (string.IsNullOrWhiteSpace(options.Expression))
        {
            context.Error("circuitBreaker needs an expression, for example \"NetworkErrorRatio() > 0.5\"");
        }
        else
        {
            try
            {
                expression = BreakerExpressionParser.Parse(options.Expression);
            }
            catch (FormatException ex)
            {
                context.Errors.Add(new ConfigError(context.Item, $"circuitBreaker expression \"{options.Expression}\": {ex.Message}", location));
            }
        }

        if (options.ResponseCode is < 100 or > 599)
        {
            context.Error($"circuitBreaker responseCode must be an HTTP status between 100 and 599 (got {options.ResponseCode})");
        }

        if (context.HasErrors || expression is null)
        {
            return null;
        }

        var time = context.Time;
        var name = context.Router is { } router ? $"{context.Name} on router {router}" : context.Name;
        var logger = context.LoggerFactory.CreateLogger("Portico.Middlewares.CircuitBreaker");

        // One breaker per router, kept across reloads while the options do not change (its windows and state survive).
        var breaker = context.GetState("breaker", () => new CircuitBreakerMiddleware(NotBound, expression, options, name, time, logger));
        return next => httpContext => breaker.InvokeAsync(httpContext, next);
    }

    /// <summary>The breaker kept in the state store is always invoked with the pipeline of the current build.</summary>
    private static Task NotBound(HttpContext context) => throw new InvalidOperationException("a stored circuit breaker is invoked with its next handler");
}
