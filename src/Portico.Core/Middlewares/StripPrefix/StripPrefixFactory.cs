using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.StripPrefix;

internal sealed class StripPrefixFactory : IMiddlewareFactory
{
    public string TypeName => "stripPrefix";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<StripPrefixOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (options.Prefixes.Count == 0)
        {
            context.Error("stripPrefix needs at least one entry in prefixes");
            return null;
        }

        var prefixes = options.Prefixes.Where(p => p.Length > 0).ToArray();
        return next => new StripPrefixMiddleware(next, prefixes).InvokeAsync;
    }
}
