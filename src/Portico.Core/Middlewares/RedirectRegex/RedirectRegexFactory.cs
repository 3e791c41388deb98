using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.RedirectRegex;

internal sealed class RedirectRegexFactory : IMiddlewareFactory
{
    public string TypeName => "redirectRegex";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<RedirectRegexOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        // Unlike replacePathRegex, Traefik uses the expression and the replacement of redirectRegex untrimmed.
        var regex = GoRegex.Compile(context, "regex", options.Regex, trim: false);
        if (regex is null)
        {
            return null;
        }

        var replacement = new GoReplacement(regex, options.Replacement ?? string.Empty);
        return next => new RedirectRegexMiddleware(next, replacement, options.Permanent).InvokeAsync;
    }
}
