using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Portico.Middlewares.BasicAuth;
using Portico.Runtime;

namespace Portico.Middlewares.DigestAuth;

/// <summary>What a <c>digestAuth</c> instance checks against: HA1 values keyed by <c>name:realm</c>.</summary>
internal sealed record DigestAuthSettings(IReadOnlyDictionary<string, string> Users, string Realm, bool RemoveHeader, string? HeaderField);

/// <summary>
/// RFC 2617 Digest authentication with MD5 and <c>qop=auth</c>, as go-http-auth does it for Traefik: nonces are issued
/// with each challenge and remembered with their nonce count, so a replayed request (same or lower count) is refused.
/// </summary>
internal sealed class DigestAuthMiddleware
{
    private static readonly byte[] s_unauthorizedBody = "401 Unauthorized\n"u8.ToArray();
    private readonly RequestDelegate _next;
    private readonly DigestAuthSettings _settings;
    private readonly DigestNonces _nonces;
    private readonly string _opaque;

    public DigestAuthMiddleware(RequestDelegate next, DigestAuthSettings settings, DigestNonces nonces, string opaque)
    {
        _next = next;
        _settings = settings;
        _nonces = nonces;
        _opaque = opaque;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var outcome = Check(context, out var user, out var info);
        if (outcome != NonceCheck.Valid)
        {
            var stale = outcome == NonceCheck.Replayed;
            var challenge = $"Digest realm=\"{_settings.Realm}\", nonce=\"{_nonces.Issue()}\", opaque=\"{_opaque}\", algorithm=MD5, qop=\"auth\"{(stale ? ", stale=true" : string.Empty)}";
            return AuthResponses.UnauthorizedAsync(context, challenge, s_unauthorizedBody);
        }

        context.Response.Headers["Authentication-Info"] = info;
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

    /// <summary>
    /// Checks the credential: <see cref="NonceCheck.Valid"/> when it is right, <see cref="NonceCheck.Replayed"/> when the
    /// digest is right but its nonce is stale or its count was already used (the client may retry without asking the user
    /// again, RFC 2617 §3.2.1), <see cref="NonceCheck.Unknown"/> for anything else.
    /// </summary>
    private NonceCheck Check(HttpContext context, out string user, out string info)
    {
        user = info = string.Empty;
        var parameters = DigestParameters.Parse(context.Request.Headers.Authorization.ToString());
        if (parameters is null)
        {
            return NonceCheck.Unknown;
        }

        // 1. Only what this server offers: its opaque, MD5 (assumed when absent, for old clients) and qop=auth.
        var algorithm = parameters.GetValueOrDefault("algorithm") ?? "MD5";
        if (parameters.GetValueOrDefault("opaque") != _opaque || algorithm != "MD5" || parameters.GetValueOrDefault("qop") != "auth")
        {
            return NonceCheck.Unknown;
        }

        var uri = parameters.GetValueOrDefault("uri") ?? string.Empty;
        var username = parameters.GetValueOrDefault("username") ?? string.Empty;
        var nonce = parameters.GetValueOrDefault("nonce") ?? string.Empty;
        var nc = parameters.GetValueOrDefault("nc") ?? string.Empty;
        var cnonce = parameters.GetValueOrDefault("cnonce") ?? string.Empty;
        var response = parameters.GetValueOrDefault("response") ?? string.Empty;

        // 2. The digest must be for this request's URI.
        if (!SameUri(context.Request, uri))
        {
            return NonceCheck.Unknown;
        }

        // 3. The response digest, compared in constant time.
        if (!_settings.Users.TryGetValue(username + ":" + _settings.Realm, out var ha1))
        {
            return NonceCheck.Unknown;
        }

        var ha2 = Md5Hex(context.Request.Method + ":" + uri);
        var expected = Md5Hex(string.Join(':', ha1, nonce, nc, cnonce, "auth", ha2));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(response)))
        {
            return NonceCheck.Unknown;
        }

        // 4. The nonce must be one we issued, still fresh, with a count above any seen before.
        if (!ulong.TryParse(nc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var count))
        {
            return NonceCheck.Unknown;
        }

        if (_nonces.Use(nonce, count) != NonceCheck.Valid)
        {
            return NonceCheck.Replayed;
        }

        var rspauth = Md5Hex(string.Join(':', ha1, nonce, nc, cnonce, "auth", Md5Hex(":" + uri)));
        info = $"qop=\"auth\", rspauth=\"{rspauth}\", cnonce=\"{cnonce}\", nc=\"{nc}\"";
        user = username;
        return NonceCheck.Valid;
    }

    /// <summary>
    /// The digest URI must be the request target; like go-http-auth, a URI whose path equals the request path is also
    /// accepted (some clients leave the query out).
    /// </summary>
    private static bool SameUri(HttpRequest request, string uri)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.Equals(target, uri, StringComparison.Ordinal))
        {
            return true;
        }

        if (uri.Length == 0)
        {
            return false;
        }

        var path = uri;
        if (Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            path = absolute.AbsolutePath;
        }

        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        return string.Equals(Uri.UnescapeDataString(path), request.PathBase.Value + request.Path.Value, StringComparison.Ordinal);
    }

    internal static string Md5Hex(string value) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(value)));
}
