using System.Text;
using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.Rewriting;

/// <summary>
/// The answer of Traefik's redirect middlewares: 302, or 307 for any method but GET so the method and body are kept;
/// permanent ones 301 and 308. The body is the status text, which Go sends as <c>text/plain; charset=utf-8</c>.
/// </summary>
internal static class RedirectResponse
{
    private static readonly byte[] s_found = Encoding.ASCII.GetBytes("Found");
    private static readonly byte[] s_temporary = Encoding.ASCII.GetBytes("Temporary Redirect");
    private static readonly byte[] s_moved = Encoding.ASCII.GetBytes("Moved Permanently");
    private static readonly byte[] s_permanent = Encoding.ASCII.GetBytes("Permanent Redirect");

    public static Task WriteAsync(HttpContext context, string location, bool permanent)
    {
        var get = HttpMethods.IsGet(context.Request.Method);
        var (status, body) = (permanent, get) switch
        {
            (false, true) => (StatusCodes.Status302Found, s_found),
            (false, false) => (StatusCodes.Status307TemporaryRedirect, s_temporary),
            (true, true) => (StatusCodes.Status301MovedPermanently, s_moved),
            (true, false) => (StatusCodes.Status308PermanentRedirect, s_permanent),
        };

        var response = context.Response;
        response.StatusCode = status;
        response.Headers.Location = location;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>
    /// Whether <paramref name="url"/> would parse as a Go URL for the purposes that matter here: every <c>%</c> starts a
    /// valid escape and no control character appears. Traefik answers 500 when the rewritten URL does not parse.
    /// </summary>
    public static bool IsValidUrl(string url)
    {
        for (var i = 0; i < url.Length; i++)
        {
            var c = url[i];
            if (c < ' ' || c == '\x7f')
            {
                return false;
            }

            if (c == '%' && (i + 2 >= url.Length || !char.IsAsciiHexDigit(url[i + 1]) || !char.IsAsciiHexDigit(url[i + 2])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Escapes what Go's <c>URL.String()</c> would escape and a header cannot carry: spaces and non-ASCII characters.</summary>
    public static string ToHeaderValue(string url)
    {
        var first = url.AsSpan().IndexOfAnyExceptInRange('!', '~');
        if (first < 0)
        {
            return url;
        }

        var sb = new StringBuilder(url.Length + 16);
        sb.Append(url, 0, first);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = first; i < url.Length; i++)
        {
            var c = url[i];
            if (c is >= '!' and <= '~')
            {
                sb.Append(c);
                continue;
            }

            System.Text.Rune.DecodeFromUtf16(url.AsSpan(i), out var rune, out var consumed);
            var count = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < count; b++)
            {
                sb.Append('%').Append(utf8[b].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }

            i += consumed - 1;
        }

        return sb.ToString();
    }
}
