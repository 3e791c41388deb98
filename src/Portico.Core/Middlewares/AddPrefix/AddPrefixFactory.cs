using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.AddPrefix;

internal sealed class AddPrefixFactory : IMiddlewareFactory
{
    public string TypeName => "addPrefix";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<AddPrefixOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (string.IsNullOrEmpty(options.Prefix))
        {
            context.Error("addPrefix needs a prefix");
            return null;
        }

        // Traefik joins the prefix and the path as plain strings (a prefix ending in '/' gives "//", unlike
        // PathString.Add), then adds a leading slash when the prefix lacks one.
        var prefix = options.Prefix;
        return next => context =>
        {
            RequestTarget.SetPath(context.Request, string.Concat(prefix, RequestTarget.Path(context.Request)));
            return next(context);
        };
    }
}
