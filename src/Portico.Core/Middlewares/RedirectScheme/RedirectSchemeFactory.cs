using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.RedirectScheme;

internal sealed class RedirectSchemeFactory : IMiddlewareFactory
{
    public string TypeName => "redirectScheme";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<RedirectSchemeOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var scheme = options.Scheme ?? string.Empty;
        if (scheme.Length == 0)
        {
            context.Error("redirectScheme needs a target scheme");
            return null;
        }

        // Traefik builds a URL that cannot parse from a bad port and then answers 500 to every request; say so now.
        var port = options.Port ?? string.Empty;
        if (port.Length > 0 && (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535))
        {
            context.Error($"redirectScheme: port \"{port}\" is not a port number (1-65535)");
            return null;
        }

        // The port is left out of the URL when it is the scheme's default, as in Traefik.
        var portPart = port.Length == 0 || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") ? string.Empty : ":" + port;
        return next => new RedirectSchemeMiddleware(next, scheme, portPart, options.Permanent).InvokeAsync;
    }
}
