using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Portico.Services.Sticky;

/// <summary>
/// Maps a request's sticky cookie to one of a fixed list of targets (servers or child services) and writes the
/// cookie for a newly chosen target. Every lookup key and header value is computed when the service is built.
/// </summary>
internal sealed class StickySelector
{
    private readonly StickyCookie _cookie;
    private readonly Dictionary<string, (int Index, bool Legacy)> _lookup = new(StringComparer.Ordinal);
    private readonly string[] _setCookie;

    /// <param name="targetNames">The identity of each target: a server URL or a child service name.</param>
    public StickySelector(StickyCookie cookie, IReadOnlyList<string> targetNames)
    {
        _cookie = cookie;
        _setCookie = new string[targetNames.Count];
        for (var i = 0; i < targetNames.Count; i++)
        {
            var value = StickyCookie.HashValue(targetNames[i]);
            _lookup[value] = (i, false);
            _setCookie[i] = cookie.SetCookieHeader(value);
        }

        for (var i = 0; i < targetNames.Count; i++)
        {
            foreach (var legacy in StickyCookie.LegacyValues(targetNames[i]))
            {
                _lookup.TryAdd(legacy, (i, true));
            }
        }
    }

    public string CookieName => _cookie.Name;

    /// <summary>The target index named by the request's cookie, or -1. <paramref name="legacy"/> asks for a rewrite.</summary>
    public int Find(HttpContext context, out bool legacy)
    {
        legacy = false;
        var value = _cookie.Read(context);
        if (value is null || !_lookup.TryGetValue(value, out var entry))
        {
            return -1;
        }

        legacy = entry.Legacy;
        return entry.Index;
    }

    /// <summary>
    /// Adds the cookie for a target to the response before it is forwarded. The forwarder appends the backend's own
    /// <c>Set-Cookie</c> headers, so both reach the client (as in Traefik, where the cookie is set before proxying).
    /// </summary>
    public void Write(HttpContext context, int index) => context.Response.Headers.Append(HeaderNames.SetCookie, _setCookie[index]);
}
