using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Portico.Routing.Rules;

namespace Portico.Middlewares.Headers;

/// <summary>
/// Builds the <c>headers</c> middleware: custom request/response headers, CORS and the security headers of Traefik v3.
/// Everything that does not depend on the request (joined lists, STS value, compiled origin patterns) is computed here.
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

        var hasCustom = options.CustomRequestHeaders.Count > 0 || options.CustomResponseHeaders.Count > 0;
        var hasCors = CorsPolicy.IsConfigured(options);
        var hasSecurity = SecurityPolicy.IsConfigured(options);
        if (!hasCustom && !hasCors && !hasSecurity)
        {
            // Traefik refuses such a middleware too ("headers configuration not valid").
            context.Error("headers needs at least one option: customRequestHeaders, customResponseHeaders, a CORS option (accessControl*, addVaryHeader) or a security option");
            return null;
        }

        ValidateValues(context, options);
        var patterns = CompileOriginPatterns(context, options.AccessControlAllowOriginListRegex);
        if (context.HasErrors)
        {
            return null;
        }

        var request = HeaderEdit.From(options.CustomRequestHeaders);
        var response = HeaderEdit.From(options.CustomResponseHeaders);
        var cors = hasCors ? new CorsPolicy(options, patterns) : null;
        var security = hasSecurity ? new SecurityPolicy(options) : null;
        return next => new HeadersMiddleware(next, request, response, cors, security).InvokeAsync;
    }

    private static Regex[] CompileOriginPatterns(MiddlewareContext context, IReadOnlyList<string> patterns)
    {
        var compiled = new List<Regex>(patterns.Count);
        foreach (var pattern in patterns)
        {
            // Go's regexp syntax and its unanchored MatchString: "https://.*\.example\.com" also matches
            // "https://a.example.com.evil.net", as in Traefik; anchor the pattern with ^...$ to be strict.
            var regex = Re2Regex.Compile(pattern, ignoreCase: false, out var error);
            if (regex is null)
            {
                context.Error($"accessControlAllowOriginListRegex: {error}");
                continue;
            }

            compiled.Add(regex);
        }

        return [.. compiled];
    }

    /// <summary>
    /// Header names and values are written as configured, so they must be valid on the wire: Kestrel would otherwise
    /// throw on every response. Go would send them (rewriting line breaks to spaces); refusing them at load time is clearer.
    /// </summary>
    private static void ValidateValues(MiddlewareContext context, HeadersOptions o)
    {
        CheckHeaderMap(context, "customRequestHeaders", o.CustomRequestHeaders);
        CheckHeaderMap(context, "customResponseHeaders", o.CustomResponseHeaders);
        CheckHeaderMap(context, "sslProxyHeaders", o.SslProxyHeaders);
        CheckNames(context, "hostsProxyHeaders", o.HostsProxyHeaders);
        CheckValues(context, "accessControlAllowHeaders", o.AccessControlAllowHeaders);
        CheckValues(context, "accessControlAllowMethods", o.AccessControlAllowMethods);
        CheckValues(context, "accessControlAllowOriginList", o.AccessControlAllowOriginList);
        CheckValues(context, "accessControlExposeHeaders", o.AccessControlExposeHeaders);
        CheckValue(context, "customFrameOptionsValue", o.CustomFrameOptionsValue);
        CheckValue(context, "customBrowserXSSValue", o.CustomBrowserXSSValue);
        CheckValue(context, "contentSecurityPolicy", o.ContentSecurityPolicy);
        CheckValue(context, "contentSecurityPolicyReportOnly", o.ContentSecurityPolicyReportOnly);
        CheckValue(context, "publicKey", o.PublicKey);
        CheckValue(context, "referrerPolicy", o.ReferrerPolicy);
        CheckValue(context, "permissionsPolicy", o.PermissionsPolicy);
    }

    private static void CheckHeaderMap(MiddlewareContext context, string option, IReadOnlyDictionary<string, string> headers)
    {
        foreach (var (name, value) in headers)
        {
            if (!IsToken(name))
            {
                context.Error($"{option}: \"{name}\" is not a valid header name");
            }
            else if (!IsFieldValue(value))
            {
                context.Error($"{option}: the value of {name} contains a control or non-ASCII character");
            }
        }
    }

    private static void CheckNames(MiddlewareContext context, string option, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (!IsToken(name))
            {
                context.Error($"{option}: \"{name}\" is not a valid header name");
            }
        }
    }

    private static void CheckValues(MiddlewareContext context, string option, IReadOnlyList<string> values)
    {
        foreach (var value in values)
        {
            CheckValue(context, option, value);
        }
    }

    private static void CheckValue(MiddlewareContext context, string option, string? value)
    {
        if (value is not null && !IsFieldValue(value))
        {
            context.Error($"{option}: \"{value}\" contains a control or non-ASCII character");
        }
    }

    /// <summary>An RFC 9110 token: visible ASCII except delimiters.</summary>
    private static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFieldValue(string value)
    {
        foreach (var c in value)
        {
            if ((c < ' ' && c != '\t') || c >= 0x7f)
            {
                return false;
            }
        }

        return true;
    }
}
