using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Portico.Forwarding;

/// <summary>Builds the URL a request is sent to from the server URL and the (possibly rewritten) request path.</summary>
internal static class DestinationUri
{
    /// <summary>
    /// Characters that may appear unescaped in a path (RFC 3986 pchar plus '/'). '%' is decided separately:
    /// Kestrel decodes every escape except <c>%2F</c>, so a '%' in the decoded path is either that kept escape
    /// (sent back as is) or a decoded <c>%25</c> (escaped again so the backend does not decode twice).
    /// </summary>
    private static readonly SearchValues<char> s_pathChars = SearchValues.Create(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/");

    /// <summary>
    /// Canonicalization is disabled so that <see cref="Uri"/> does not unescape or compress what we escaped:
    /// the path reaches the backend byte for byte as built here.
    /// </summary>
    private static readonly UriCreationOptions s_uriOptions = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>The scheme sent on the wire: <c>h2c</c> means HTTP/2 over cleartext, which is http.</summary>
    public static string WireScheme(Uri destination) =>
        destination.Scheme switch
        {
            "https" => "https",
            _ => "http",
        };

    public static Uri Build(Uri destination, HttpRequest request, bool preservePath) =>
        Build(destination, request, preservePath, WireScheme(destination), destination.Authority);

    /// <summary>Builds the URL with another scheme and authority, as for https servers reached through <see cref="BackendClient"/>.</summary>
    public static Uri Build(Uri destination, HttpRequest request, bool preservePath, string scheme, string authority)
    {
        // 1. The request path as the client sent it, after any middleware rewrite (stripPrefix, replacePath...).
        var path = EscapePath(request.PathBase.Value + request.Path.Value);

        // 2. With preservePath the server URL's path prefixes it, joined by exactly one slash.
        if (preservePath)
        {
            path = JoinPath(destination.AbsolutePath, path);
        }
        else if (path.Length == 0)
        {
            path = "/";
        }

        // 3. The query is kept exactly as received (Kestrel does not decode it).
        var uri = string.Concat(scheme, "://", authority, path, request.QueryString.Value);
        return new Uri(uri, in s_uriOptions);
    }

    private static string JoinPath(string prefix, string path)
    {
        if (prefix.Length <= 1)
        {
            return path.Length == 0 ? "/" : path;
        }

        if (path.Length == 0)
        {
            return prefix;
        }

        var prefixSlash = prefix[^1] == '/';
        var pathSlash = path[0] == '/';
        return (prefixSlash, pathSlash) switch
        {
            (true, true) => string.Concat(prefix.AsSpan(0, prefix.Length - 1), path),
            (false, false) => string.Concat(prefix, "/", path),
            _ => prefix + path,
        };
    }

    internal static string EscapePath(string path)
    {
        var firstUnsafe = path.AsSpan().IndexOfAnyExcept(s_pathChars);
        if (firstUnsafe < 0)
        {
            return path;
        }

        var builder = new StringBuilder(path.Length + 16);
        builder.Append(path, 0, firstUnsafe);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = firstUnsafe; i < path.Length; i++)
        {
            var c = path[i];
            if (s_pathChars.Contains(c))
            {
                builder.Append(c);
            }
            else if (c == '%' && IsEncodedSlash(path, i))
            {
                builder.Append(path, i, 3);
                i += 2;
            }
            else
            {
                // A lone surrogate decodes to U+FFFD instead of throwing.
                Rune.DecodeFromUtf16(path.AsSpan(i), out var rune, out var consumed);
                var count = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < count; b++)
                {
                    builder.Append('%').Append(HexUpper(utf8[b] >> 4)).Append(HexUpper(utf8[b] & 0xF));
                }

                i += consumed - 1;
            }
        }

        return builder.ToString();
    }

    private static bool IsEncodedSlash(string path, int i) =>
        i + 2 < path.Length && path[i + 1] == '2' && (path[i + 2] == 'F' || path[i + 2] == 'f');

    private static char HexUpper(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
