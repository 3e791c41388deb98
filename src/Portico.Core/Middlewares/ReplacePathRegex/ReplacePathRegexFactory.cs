using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.ReplacePathRegex;

internal sealed class ReplacePathRegexFactory : IMiddlewareFactory
{
    public string TypeName => "replacePathRegex";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<ReplacePathRegexOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var regex = GoRegex.Compile(context, "regex", options.Regex);
        if (regex is null)
        {
            return null;
        }

        // Traefik trims the replacement as it trims the expression.
        var replacement = new GoReplacement(regex, (options.Replacement ?? string.Empty).Trim());
        return next => new ReplacePathRegexMiddleware(next, replacement).InvokeAsync;
    }
}
