using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Portico.Routing.Rules;

namespace Portico.Middlewares.ForwardAuth;

internal sealed class ForwardAuthFactory : IMiddlewareFactory
{
    public string TypeName => "forwardAuth";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<ForwardAuthOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (string.IsNullOrEmpty(options.Address))
        {
            context.Error("forwardAuth needs an address");
        }
        else if (!Uri.TryCreate(options.Address, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            context.Error($"address \"{options.Address}\" must be an absolute http:// or https:// URL");
        }

        System.Text.RegularExpressions.Regex? regex = null;
        if (!string.IsNullOrEmpty(options.AuthResponseHeadersRegex))
        {
            regex = Re2Regex.Compile(options.AuthResponseHeadersRegex, ignoreCase: false, out var error);
            if (regex is null)
            {
                context.Error($"authResponseHeadersRegex: {error}");
            }
        }

        if (options.MaxBodySize < -1 || options.MaxResponseBodySize < -1)
        {
            context.Error("maxBodySize and maxResponseBodySize must be -1 (no limit) or a size in bytes");
        }

        if (!string.IsNullOrEmpty(options.AuthSigninURL) && !Uri.TryCreate(options.AuthSigninURL, UriKind.RelativeOrAbsolute, out _))
        {
            context.Error($"authSigninURL \"{options.AuthSigninURL}\" is not a URL");
        }

        if (context.HasErrors)
        {
            return null;
        }

        var client = ForwardAuthClient.Create(options.Tls, context);
        if (client is null)
        {
            return null;
        }

        // With trustForwardHeader the X-Forwarded-* set always passes the authRequestHeaders filter, as in Traefik.
        FrozenSet<string>? requestHeaders = null;
        if (options.AuthRequestHeaders.Count != 0)
        {
            IEnumerable<string> names = options.TrustForwardHeader ? options.AuthRequestHeaders.Concat(ForwardAuthRequest.ForwardedHeaders) : options.AuthRequestHeaders;
            requestHeaders = names.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        }

        var settings = new ForwardAuthSettings
        {
            Address = new Uri(options.Address!),
            Client = client,
            TrustForwardHeader = options.TrustForwardHeader,
            AuthResponseHeaders = [.. options.AuthResponseHeaders.Select(GoHeaderKey.Canonical)],
            AuthResponseHeadersRegex = regex,
            AuthRequestHeaders = requestHeaders,
            AuthCookies = options.AddAuthCookiesToResponse.ToFrozenSet(StringComparer.Ordinal),
            HeaderField = string.IsNullOrEmpty(options.HeaderField) ? null : options.HeaderField,
            ForwardBody = options.ForwardBody,
            MaxBodySize = options.MaxBodySize,
            MaxResponseBodySize = options.MaxResponseBodySize,
            PreserveLocationHeader = options.PreserveLocationHeader,
            PreserveRequestMethod = options.PreserveRequestMethod,
            AuthSigninUrl = string.IsNullOrEmpty(options.AuthSigninURL) ? null : options.AuthSigninURL,
        };
        var logger = context.LoggerFactory.CreateLogger("Portico.Middlewares.ForwardAuth");
        return next => new ForwardAuthMiddleware(next, settings, logger).InvokeAsync;
    }
}
