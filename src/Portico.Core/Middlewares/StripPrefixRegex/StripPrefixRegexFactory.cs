using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.StripPrefixRegex;

internal sealed class StripPrefixRegexFactory : IMiddlewareFactory
{
    public string TypeName => "stripPrefixRegex";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<StripPrefixRegexOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (options.Regex.Count == 0)
        {
            context.Error("stripPrefixRegex needs at least one entry in regex");
            return null;
        }

        var expressions = new Regex[options.Regex.Count];
        for (var i = 0; i < expressions.Length; i++)
        {
            expressions[i] = GoRegex.Compile(context, $"regex[{i}]", options.Regex[i])?.Regex!;
        }

        return context.HasErrors ? null : next => new StripPrefixRegexMiddleware(next, expressions).InvokeAsync;
    }
}
