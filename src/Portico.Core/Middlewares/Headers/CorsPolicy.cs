using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Portico.Middlewares.Headers;

/// <summary>
/// The CORS part of the <c>headers</c> middleware, with Traefik's observable behaviour: a preflight (OPTIONS with
/// <c>Origin</c> and <c>Access-Control-Request-Method</c>) is answered 200 by the proxy, and every other response gets
/// <c>Access-Control-Allow-Origin</c> when the request's origin is allowed. Traefik also sets
/// <c>Access-Control-Allow-Credentials</c> and <c>Access-Control-Expose-Headers</c> whatever the origin, so we do too.
/// All header values are joined once, here, so that requests only copy references.
/// </summary>
internal sealed class CorsPolicy
{
    private readonly string[] _origins;
    private readonly Regex[] _originPatterns;
    private readonly bool _allowCredentials;
    private readonly string? _allowHeaders;
    private readonly string? _allowMethods;
    private readonly string? _exposeHeaders;
    private readonly string _maxAge;
    private readonly bool _addVary;

    public CorsPolicy(HeadersOptions options, Regex[] originPatterns)
    {
        _origins = [.. options.AccessControlAllowOriginList];
        _originPatterns = originPatterns;
        _allowCredentials = options.AccessControlAllowCredentials;
        _allowHeaders = JoinOrNull(options.AccessControlAllowHeaders);
        _allowMethods = JoinOrNull(options.AccessControlAllowMethods);
        _exposeHeaders = JoinOrNull(options.AccessControlExposeHeaders);
        _maxAge = options.AccessControlMaxAge.ToString(CultureInfo.InvariantCulture);
        _addVary = options.AddVaryHeader;
    }

    /// <summary>Whether Traefik considers any CORS option set; without one, preflights go to the backend.</summary>
    public static bool IsConfigured(HeadersOptions o) =>
        o.AccessControlAllowCredentials || o.AccessControlAllowHeaders.Count > 0 || o.AccessControlAllowMethods.Count > 0
        || o.AccessControlAllowOriginList.Count > 0 || o.AccessControlAllowOriginListRegex.Count > 0
        || o.AccessControlExposeHeaders.Count > 0 || o.AccessControlMaxAge != 0 || o.AddVaryHeader;

    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method)
        && First(request.Headers.AccessControlRequestMethod).Length > 0
        && First(request.Headers.Origin).Length > 0;

    /// <summary>Answers a preflight without calling the next handler; no other header of this middleware applies to it.</summary>
    public void AnswerPreflight(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (_allowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (_allowHeaders is not null)
        {
            headers.AccessControlAllowHeaders = _allowHeaders;
        }

        if (_allowMethods is not null)
        {
            headers.AccessControlAllowMethods = _allowMethods;
        }

        if (TryMatchOrigin(First(context.Request.Headers.Origin), out var allowed))
        {
            headers.AccessControlAllowOrigin = allowed;
        }

        headers.AccessControlMaxAge = _maxAge;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    /// <summary>Adds the CORS headers of a normal (non-preflight) response, just before it is sent.</summary>
    public void ApplyToResponse(HttpRequest request, IHeaderDictionary headers)
    {
        if (TryMatchOrigin(First(request.Headers.Origin), out var allowed))
        {
            headers.AccessControlAllowOrigin = allowed;
        }

        if (_allowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (_exposeHeaders is not null)
        {
            headers.AccessControlExposeHeaders = _exposeHeaders;
        }

        if (_addVary)
        {
            // Traefik appends ",Origin" unless Vary is exactly "Origin". It reads only the first Vary line and drops the
            // others; we keep them all (joined), which is the same for the usual single line and loses nothing otherwise.
            var vary = headers.Vary.ToString();
            if (vary != "Origin")
            {
                headers.Vary = vary.Length == 0 ? "Origin" : vary + ",Origin";
            }
        }
    }

    /// <summary>
    /// Traefik's matching: the first list entry equal to the origin, or <c>*</c>, is echoed as is (so <c>*</c> answers
    /// <c>*</c>, even to a request without Origin); otherwise a regex matching anywhere in the origin (Go's unanchored
    /// MatchString) echoes the origin itself.
    /// </summary>
    public bool TryMatchOrigin(string origin, out string allowed)
    {
        foreach (var item in _origins)
        {
            if (item == "*" || string.Equals(item, origin, StringComparison.Ordinal))
            {
                allowed = item;
                return true;
            }
        }

        foreach (var pattern in _originPatterns)
        {
            if (pattern.IsMatch(origin))
            {
                allowed = origin;
                return true;
            }
        }

        allowed = string.Empty;
        return false;
    }

    /// <summary>The first value of a header, or an empty string, like Go's <c>Header.Get</c>.</summary>
    internal static string First(StringValues values) => values.Count == 0 ? string.Empty : values[0] ?? string.Empty;

    private static string? JoinOrNull(IReadOnlyList<string> values)
    {
        var joined = string.Join(',', values);
        return joined.Length == 0 ? null : joined;
    }
}
