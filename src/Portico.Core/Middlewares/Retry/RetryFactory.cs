using Microsoft.AspNetCore.Http;
using Portico.Services.Composite;

namespace Portico.Middlewares.Retry;

/// <summary>Builds <c>retry</c>: validates the options as Traefik does and gives each router its own instance (and budget).</summary>
internal sealed class RetryFactory : IMiddlewareFactory
{
    public string TypeName => "retry";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<RetryOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (options.Attempts <= 0)
        {
            context.Error($"retry needs attempts greater than 0 (got {options.Attempts})");
        }

        StatusRanges? status = null;
        if (options.Status.Count > 0)
        {
            status = StatusRanges.TryParse(options.Status, out var error);
            if (error is not null)
            {
                context.Error($"retry status: {error}");
            }
        }
        else if (options.DisableRetryOnNetworkError)
        {
            context.Error("retry with disableRetryOnNetworkError needs status codes to retry on (status)");
        }

        if (options.Budget is { } budget)
        {
            if (budget.Ratio is < 0 or > 1 || double.IsNaN(budget.Ratio))
            {
                context.Error($"retry budget.ratio must be between 0 and 1 (got {budget.Ratio})");
            }

            if (budget.MinRetriesPerSecond < 0 || double.IsNaN(budget.MinRetriesPerSecond))
            {
                context.Error($"retry budget.minRetriesPerSecond must not be negative (got {budget.MinRetriesPerSecond})");
            }

            if (budget.Window <= TimeSpan.Zero)
            {
                context.Error("retry budget.window must be positive");
            }
        }

        if (context.HasErrors)
        {
            return null;
        }

        if (options.Attempts == 1)
        {
            // One attempt is no retry: Traefik passes the request straight on.
            return next => next;
        }

        var time = context.Time;
        var name = context.Name;
        var logger = context.LoggerFactory.CreateLogger("Portico.Middlewares.Retry");
        // The budget's window is kept across reloads while the options do not change, so a reload cannot reset it.
        var sharedBudget = options.Budget is { } budgetOptions ? context.GetState("budget", () => new RetryBudget(budgetOptions, time)) : null;
        return next => new RetryMiddleware(next, options, status, name, time, Random.Shared.NextDouble, logger, sharedBudget).InvokeAsync;
    }
}
