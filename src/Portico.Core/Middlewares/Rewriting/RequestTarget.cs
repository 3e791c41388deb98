using Microsoft.AspNetCore.Http;
using Portico.EntryPoints;
using Portico.Forwarding;
using Portico.Routing;

namespace Portico.Middlewares.Rewriting;

/// <summary>
/// The request path as the path-rewriting middlewares see and change it. Portico keeps one path,
/// <see cref="HttpRequest.Path"/>, decoded the way Kestrel decodes (every escape but <c>%2F</c>), and the forwarder escapes it
/// again; Go keeps <c>URL.Path</c> and <c>URL.RawPath</c>. Changing <see cref="HttpRequest.Path"/> therefore changes both
/// at once, which is what Traefik's middlewares do by hand, and <see cref="EscapedPath"/> plays Go's <c>URL.EscapedPath()</c>.
/// </summary>
internal static class RequestTarget
{
    /// <summary>The decoded path (PathBase + Path; PathBase is empty unless a host sets one).</summary>
    public static string Path(HttpRequest request) => string.Concat(request.PathBase.Value, request.Path.Value);

    /// <summary>
    /// Replaces the path. As the forwarder would send an empty path as <c>/</c> anyway, an empty result becomes <c>/</c>
    /// (which also joins a server URL path the way Go joins an empty one); a missing leading slash is added, as Traefik's
    /// <c>ensureLeadingSlash</c> does.
    /// </summary>
    public static void SetPath(HttpRequest request, string path)
    {
        request.PathBase = PathString.Empty;
        request.Path = path.Length == 0 ? new PathString("/") : new PathString(path[0] == '/' ? path : "/" + path);
    }

    /// <summary>
    /// Go's <c>URL.EscapedPath()</c>: the path as the client escaped it while it still encodes the current path (so
    /// <c>%7E</c> stays <c>%7E</c>), otherwise the current path escaped again (after sanitizing or a rewrite).
    /// </summary>
    public static string EscapedPath(HttpContext context)
    {
        var raw = RoutingRequest.EscapedPath(context);
        var current = Path(context.Request);
        return string.Equals(UnsanitizedPath.Decode(raw), current, StringComparison.Ordinal) ? raw : DestinationUri.EscapePath(current);
    }

    /// <summary>
    /// Decodes an escaped path like Go's <c>url.PathUnescape</c> would accept it (every <c>%</c> starts a valid escape) and
    /// the way Kestrel decodes (keeping <c>%2F</c>); false when an escape is malformed.
    /// </summary>
    public static bool TryUnescape(string escaped, out string decoded)
    {
        for (var i = escaped.IndexOf('%'); i >= 0; i = escaped.IndexOf('%', i + 1))
        {
            if (i + 2 >= escaped.Length || !char.IsAsciiHexDigit(escaped[i + 1]) || !char.IsAsciiHexDigit(escaped[i + 2]))
            {
                decoded = string.Empty;
                return false;
            }
        }

        decoded = UnsanitizedPath.Decode(escaped);
        return true;
    }

    /// <summary>
    /// A path as a request header value. Go writes the decoded path as raw bytes; a .NET client refuses non-ASCII header
    /// values and backends reject control characters, so such a path is sent escaped instead.
    /// </summary>
    public static string HeaderValue(string path)
    {
        foreach (var c in path)
        {
            if (c is < ' ' or > '~')
            {
                return DestinationUri.EscapePath(path);
            }
        }

        return path;
    }
}
