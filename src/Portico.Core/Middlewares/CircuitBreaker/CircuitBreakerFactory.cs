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
        return next => new CircuitBreakerMiddleware(next, expression, options, name, time, logger).InvokeAsync;
    }
}
