using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.Headers;

/// <summary>
/// Builds the <c>headers</c> middleware. Custom request and response headers are honoured; the CORS and security
/// options are refused with an error until they are implemented, because silently ignoring a security header
/// would be worse than a router that reports why it is disabled.
/// </summary>
internal sealed class HeadersFactory : IMiddlewareFactory
{
    public string TypeName => "headers";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<HeadersOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var defaults = new HeadersOptions() with
        {
            CustomRequestHeaders = options.CustomRequestHeaders,
            CustomResponseHeaders = options.CustomResponseHeaders,
        };
        if (!Configuration.Parsing.ConfigEquality.DeepEquals(options, defaults))
        {
            context.Error("only customRequestHeaders and customResponseHeaders are supported by this Portico version; remove the CORS and security options or wait for them");
            return null;
        }

        var request = HeaderEdit.From(options.CustomRequestHeaders);
        var response = HeaderEdit.From(options.CustomResponseHeaders);
        return next => new HeadersMiddleware(next, request, response).InvokeAsync;
    }
}
