using Microsoft.AspNetCore.Http;

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

        // Traefik joins the prefix and the path as strings, adding the leading slash when the prefix lacks one.
        var prefix = new PathString(options.Prefix.StartsWith('/') ? options.Prefix : "/" + options.Prefix);
        return next => context =>
        {
            context.Request.Path = prefix.Add(context.Request.Path);
            return next(context);
        };
    }
}
