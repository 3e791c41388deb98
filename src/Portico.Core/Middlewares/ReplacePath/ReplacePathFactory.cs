using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.ReplacePath;

internal sealed class ReplacePathFactory : IMiddlewareFactory
{
    internal const string ReplacedPathHeader = "X-Replaced-Path";

    public string TypeName => "replacePath";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<ReplacePathOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var path = options.Path ?? string.Empty;

        // Traefik unescapes the path on every request and answers 500 when it cannot; the answer cannot change, so a
        // malformed escape is reported here instead. A path without a leading slash would make an invalid request line.
        if (!RequestTarget.TryUnescape(path, out var decoded))
        {
            context.Error($"replacePath: path \"{path}\" has a malformed %-escape");
            return null;
        }

        if (path.Length > 0 && path[0] != '/')
        {
            context.Error($"replacePath: path \"{path}\" must start with '/'");
            return null;
        }

        return next => request =>
        {
            // Traefik records RawPath when the client's escaping was not the default one, else the decoded path; the
            // decoded path keeping %2F as sent (Portico's form) is that, except where a header cannot carry it as is.
            request.Request.Headers.Append(ReplacedPathHeader, RequestTarget.HeaderValue(RequestTarget.Path(request.Request)));
            RequestTarget.SetPath(request.Request, decoded);
            return next(request);
        };
    }
}
