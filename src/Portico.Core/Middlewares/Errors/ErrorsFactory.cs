using Microsoft.AspNetCore.Http;
using Portico.Services.Composite;

namespace Portico.Middlewares.Errors;

/// <summary>Builds <c>errors</c>: the status ranges, the rewrites and the error service must all be valid.</summary>
internal sealed class ErrorsFactory : IMiddlewareFactory
{
    public string TypeName => "errors";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<ErrorsOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var ranges = StatusRanges.TryParse(options.Status, out var statusError);
        if (statusError is not null)
        {
            context.Error($"status: {statusError}");
        }

        var rewrites = new List<(StatusRanges From, int To)>();
        foreach (var (from, to) in options.StatusRewrites)
        {
            var parsed = StatusRanges.TryParse([from], out var rewriteError);
            if (parsed is null)
            {
                context.Error($"statusRewrites: {rewriteError}");
            }
            else if (to is < 100 or > 599)
            {
                context.Error($"statusRewrites: \"{from}\" maps to {to}, which is not a status code");
            }
            else
            {
                rewrites.Add((parsed, to));
            }
        }

        Services.IHttpService? service = null;
        if (string.IsNullOrEmpty(options.Service))
        {
            context.Error("errors needs a service that serves the error pages");
        }
        else
        {
            var name = context.Qualify(options.Service);
            service = context.ResolveService(name);
            if (service is null)
            {
                context.Error($"service \"{name}\" of the error pages does not exist or is invalid");
            }
        }

        if (context.HasErrors)
        {
            return null;
        }

        var page = new ErrorPageRequest(options.Query, options.ErrorRequestHeaders?.ToArray());
        var rewriteTable = rewrites.ToArray();
        return next => new ErrorsMiddleware(next, ranges!, rewriteTable, service!, page).InvokeAsync;
    }
}
