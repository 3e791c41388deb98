using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Portico.Configuration.Dynamic;

namespace Portico.Services.Sticky;

/// <summary>
/// Traefik's sticky cookie (<c>sticky.cookie.*</c>): the cookie names the chosen target (a server URL or a child
/// service name) by a hash, and a later request carrying it goes to that target while it is healthy.
/// </summary>
internal sealed class StickyCookie
{
    private readonly StickyCookieConfig _config;

    public StickyCookie(StickyCookieConfig config, string serviceName)
    {
        _config = config;
        Name = CookieName(config.Name, serviceName);
    }

    public string Name { get; }

    /// <summary>
    /// Traefik's default name: <c>_</c> followed by the SHA-1 hex of <c>_TRAEFIK_BACKEND_</c> + service name, the whole
    /// string cut to 6 characters (for example <c>_1d52e</c>). A configured name is sanitized to an RFC 2616 token.
    /// </summary>
    public static string CookieName(string? configured, string serviceName)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return string.Create(configured.Length, configured, static (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    var c = source[i];
                    span[i] = char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^`|~".Contains(c) ? c : '_';
                }
            });
        }

        var hash = SHA1.HashData(Encoding.UTF8.GetBytes("_TRAEFIK_BACKEND_" + serviceName));
        return ("_" + Convert.ToHexStringLower(hash))[..6];
    }

    /// <summary>Traefik v3's cookie value: the first 16 hex characters of SHA-256 of the target name.</summary>
    public static string HashValue(string target)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(target));
        return Convert.ToHexStringLower(hash)[..16];
    }

    /// <summary>
    /// Older Traefik versions wrote the raw target name, or its FNV-1 64 hash (twice hashed for servers). Such cookies
    /// are still honoured, and rewritten to the current value.
    /// </summary>
    public static IEnumerable<string> LegacyValues(string target)
    {
        yield return target;
        var once = Fnv1(target);
        yield return once;
        yield return Fnv1(once);
    }

    /// <summary>The complete <c>Set-Cookie</c> header value for a target, computed once per target at build time.</summary>
    public string SetCookieHeader(string value)
    {
        var header = new SetCookieHeaderValue(Name, value)
        {
            Path = string.IsNullOrEmpty(_config.Path) ? null : _config.Path,
            Domain = string.IsNullOrEmpty(_config.Domain) ? null : _config.Domain,
            HttpOnly = _config.HttpOnly,
            Secure = _config.Secure,
            SameSite = (_config.SameSite ?? string.Empty).ToLowerInvariant() switch
            {
                "none" => Microsoft.Net.Http.Headers.SameSiteMode.None,
                "lax" => Microsoft.Net.Http.Headers.SameSiteMode.Lax,
                "strict" => Microsoft.Net.Http.Headers.SameSiteMode.Strict,
                _ => Microsoft.Net.Http.Headers.SameSiteMode.Unspecified,
            },
        };

        // Like Go's http.Cookie: 0 means no Max-Age, a negative value deletes the cookie now (Max-Age=0).
        if (_config.MaxAge != 0)
        {
            header.MaxAge = TimeSpan.FromSeconds(Math.Max(0, _config.MaxAge));
        }

        return header.ToString();
    }

    /// <summary>Reads the cookie value from the request, or null.</summary>
    public string? Read(HttpContext context) => context.Request.Cookies.TryGetValue(Name, out var value) ? value : null;

    private static string Fnv1(string input)
    {
        // Go's fnv.New64 is FNV-1 (multiply, then xor), not FNV-1a.
        ulong hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(input))
        {
            hash *= 1099511628211UL;
            hash ^= b;
        }

        return hash.ToString("x", CultureInfo.InvariantCulture);
    }
}
