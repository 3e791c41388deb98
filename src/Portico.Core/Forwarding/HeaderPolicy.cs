using System.Collections.Frozen;
using Microsoft.Extensions.Primitives;

namespace Portico.Forwarding;

/// <summary>
/// Which headers must not cross the proxy. The sets are built once; the per-request checks are lookups and
/// span scans that allocate nothing.
/// </summary>
internal static class HeaderPolicy
{
    /// <summary>
    /// Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones Go's reverse proxy also drops
    /// (Proxy-Connection, Proxy-Authenticate, Proxy-Authorization). Host is handled separately.
    /// </summary>
    private static readonly FrozenSet<string> s_requestSkip = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "HTTP2-Settings");

    /// <summary>Response hop-by-hop headers. Content-Length is kept: Kestrel enforces it against the body we copy.</summary>
    private static readonly FrozenSet<string> s_responseSkip = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Alt-Svc");

    public static bool IsRequestHopByHop(string name) => s_requestSkip.Contains(name);

    public static bool IsResponseHopByHop(string name) => s_responseSkip.Contains(name);

    public static bool IsPseudoHeader(string name) => name.Length > 0 && name[0] == ':';

    /// <summary>Whether a comma-separated header (Connection, Upgrade, TE) contains <paramref name="token"/>.</summary>
    public static bool ContainsToken(StringValues values, ReadOnlySpan<char> token)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (ContainsToken(values[i], token))
            {
                return true;
            }
        }

        return false;
    }

    public static bool ContainsToken(ReadOnlySpan<char> value, ReadOnlySpan<char> token)
    {
        foreach (var range in value.Split(','))
        {
            if (value[range].Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the <c>Connection</c> header <paramref name="connection"/> names <paramref name="headerName"/>.</summary>
    public static bool IsNominated(StringValues connection, string headerName) =>
        connection.Count != 0 && ContainsToken(connection, headerName);
}
