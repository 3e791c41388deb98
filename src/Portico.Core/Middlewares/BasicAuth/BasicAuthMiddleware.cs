using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Portico.Runtime;

namespace Portico.Middlewares.BasicAuth;

/// <summary>What a <c>basicAuth</c> instance checks against, built once per configuration.</summary>
internal sealed record BasicAuthSettings(IReadOnlyDictionary<string, HtpasswdHash> Users, string Realm, bool RemoveHeader, string? HeaderField)
{
    /// <summary>The challenge, precomputed: <c>Basic realm="traefik"</c>.</summary>
    public string Challenge { get; } = $"Basic realm=\"{Realm}\"";
}

/// <summary>
/// HTTP Basic authentication against htpasswd hashes, as Traefik's basicAuth (go-http-auth): a missing or wrong
/// credential gets <c>401</c> with <c>WWW-Authenticate: Basic realm="..."</c> and the body <c>401 Unauthorized</c>.
/// </summary>
internal sealed class BasicAuthMiddleware
{
    private static readonly byte[] s_unauthorizedBody = "401 Unauthorized\n"u8.ToArray();
    private readonly RequestDelegate _next;
    private readonly BasicAuthSettings _settings;
    private readonly VerifiedPasswords _verified;

    public BasicAuthMiddleware(RequestDelegate next, BasicAuthSettings settings, VerifiedPasswords verified)
    {
        _next = next;
        _settings = settings;
        _verified = verified;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // 1. Parse "Basic base64(user:password)"; 2. check the password; 3. pass the user on or challenge.
        if (!TryParse(context.Request.Headers.Authorization.ToString(), out var user, out var password) || !Check(user, password))
        {
            return AuthResponses.UnauthorizedAsync(context, _settings.Challenge, s_unauthorizedBody);
        }

        if (PorticoRequestFeature.Get(context) is { } feature)
        {
            feature.ClientUsername = user;
        }

        if (_settings.HeaderField is { } field)
        {
            context.Request.Headers[field] = user;
        }

        if (_settings.RemoveHeader)
        {
            context.Request.Headers.Remove(HeaderNames.Authorization);
        }

        return _next(context);
    }

    private bool Check(string user, string password)
    {
        if (!_settings.Users.TryGetValue(user, out var hash))
        {
            return false;
        }

        if (hash.Kind != HashKind.Bcrypt)
        {
            return hash.Verify(password);
        }

        if (_verified.Contains(user, password))
        {
            return true;
        }

        if (!hash.Verify(password))
        {
            return false;
        }

        _verified.Add(user, password);
        return true;
    }

    /// <summary>Go's <c>Request.BasicAuth</c>: a case-insensitive <c>Basic </c> prefix, standard base64, split at the first ':'.</summary>
    internal static bool TryParse(string header, out string user, out string password)
    {
        user = password = string.Empty;
        const string Prefix = "Basic ";
        if (header.Length < Prefix.Length || !header.AsSpan(0, Prefix.Length).Equals(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = header.AsSpan(Prefix.Length);
        var buffer = ArrayPool<byte>.Shared.Rent((encoded.Length * 3 / 4) + 3);
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
            {
                return false;
            }

            var decoded = buffer.AsSpan(0, written);
            var colon = decoded.IndexOf((byte)':');
            if (colon < 0)
            {
                return false;
            }

            user = Encoding.UTF8.GetString(decoded[..colon]);
            password = Encoding.UTF8.GetString(decoded[(colon + 1)..]);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
