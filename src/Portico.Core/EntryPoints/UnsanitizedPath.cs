using System.Text;
using Microsoft.AspNetCore.Http;

namespace Portico.EntryPoints;

/// <summary>
/// With <c>sanitizePath: false</c> the request is routed on the path as sent, dot segments included, and Traefik forwards
/// it that way. Kestrel, though, always removes dot segments from <see cref="HttpRequest.Path"/>, which the forwarder
/// sends: <c>/public/../admin</c> would be routed by <c>PathPrefix(`/public`)</c> yet reach that backend as
/// <c>/admin</c>, a split view that walks around a guard on <c>/admin</c>. So the path Kestrel decoded is replaced by
/// the one sent, decoded the way Kestrel decodes (every escape but <c>%2F</c>), whenever the two differ.
/// </summary>
internal static class UnsanitizedPath
{
    public static void Restore(HttpRequest request, string escapedPath)
    {
        var sent = Decode(escapedPath);
        if (!string.Equals(sent, request.PathBase.Value + request.Path.Value, StringComparison.Ordinal))
        {
            request.PathBase = PathString.Empty;
            request.Path = new PathString(sent);
        }
    }

    /// <summary>Percent-decodes <paramref name="escapedPath"/> as UTF-8, keeping <c>%2F</c> (and malformed escapes) as they are.</summary>
    internal static string Decode(string escapedPath)
    {
        var first = escapedPath.IndexOf('%');
        if (first < 0)
        {
            return escapedPath;
        }

        var bytes = new List<byte>(escapedPath.Length);
        bytes.AddRange(Encoding.UTF8.GetBytes(escapedPath[..first]));
        for (var i = first; i < escapedPath.Length; i++)
        {
            var c = escapedPath[i];
            if (c == '%' && i + 2 < escapedPath.Length && IsHex(escapedPath[i + 1]) && IsHex(escapedPath[i + 2])
                && !(escapedPath[i + 1] == '2' && (escapedPath[i + 2] is 'F' or 'f')))
            {
                bytes.Add((byte)Convert.ToInt32(escapedPath.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
