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

        // Like Traefik, an empty prefix matches every path (strips nothing, records an empty X-Forwarded-Prefix) and
        // stops the search, so it is kept in its place rather than dropped.
        var prefixes = options.Prefixes.ToArray();
        return next => new StripPrefixMiddleware(next, prefixes).InvokeAsync;
    }
}
