using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Portico.Forwarding;

internal sealed partial class HttpForwarder
{
    /// <summary>
    /// Copies the client's headers minus hop-by-hop ones and those the client's <c>Connection</c> header names, then
    /// sets Host, X-Forwarded-For, TE and the upgrade pair, which are this hop's business.
    /// </summary>
    private static void CopyRequestHeaders(HttpContext context, HttpRequestMessage request, bool passHostHeader, bool isUpgrade)
    {
        var headers = context.Request.Headers;
        var connection = headers.Connection;
        foreach (var header in headers)
        {
            var name = header.Key;
            if (HeaderPolicy.IsRequestHopByHop(name) || HeaderPolicy.IsPseudoHeader(name) || HeaderPolicy.IsNominated(connection, name)
                || name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            AddRequestHeader(request, name, header.Value);
        }

        if (passHostHeader && context.Request.Host.HasValue)
        {
            request.Headers.Host = context.Request.Host.Value;
        }

        // Like Go's reverse proxy: the peer is appended to the list it sent, unless the entry point says not to.
        var forwardedFor = headers["X-Forwarded-For"];
        var peer = context.Connection.RemoteIpAddress;
        if (peer is not null && context.Features.Get<NotAppendXForwardedForFeature>() is null)
        {
            var peerText = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4().ToString() : peer.ToString();
            forwardedFor = forwardedFor.Count == 0 ? peerText : string.Concat(string.Join(", ", forwardedFor.ToArray()), ", ", peerText);
        }

        if (forwardedFor.Count != 0)
        {
            AddRequestHeader(request, "X-Forwarded-For", forwardedFor);
        }

        // "TE: trailers" announces that the client understands trailers, which gRPC servers require.
        if (HeaderPolicy.ContainsToken(headers.TE, "trailers"))
        {
            request.Headers.TryAddWithoutValidation("TE", "trailers");
        }

        if (isUpgrade)
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            AddRequestHeader(request, "Upgrade", headers.Upgrade);
        }
    }

    private static void AddRequestHeader(HttpRequestMessage request, string name, StringValues value)
    {
        // Content headers (Content-Type, Content-Length...) belong to the content; without a body they are dropped.
        if (value.Count == 1)
        {
            var single = value.ToString();
            if (!request.Headers.TryAddWithoutValidation(name, single))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, single);
            }
        }
        else
        {
            IEnumerable<string?> values = value;
            if (!request.Headers.TryAddWithoutValidation(name, values!))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values!);
            }
        }
    }

    private static void CopyResponseHeaders(HttpResponseMessage response, IHeaderDictionary destination)
    {
        var connection = response.Headers.NonValidated.TryGetValues("Connection", out var values) ? ToStringValues(values) : default;
        CopyResponseHeaders(response.Headers, connection, destination, response.StatusCode == System.Net.HttpStatusCode.SwitchingProtocols);
        CopyResponseHeaders(response.Content.Headers, connection, destination, isSwitch: false);

        // Kestrel enforces Content-Length against the body we copy and accepts only a single number. A chunked response
        // is framed by its chunks whatever length it also announces (RFC 9112 §6.3), so that length is dropped; identical
        // repeats, which InvalidResponseHead tolerated, collapse to one value.
        if (response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var lengths)
            && response.Headers.TransferEncodingChunked != true)
        {
            var first = lengths.ToString().AsSpan();
            var comma = first.IndexOf(',');
            destination.ContentLength = long.Parse(comma < 0 ? first.Trim() : first[..comma].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static void CopyResponseHeaders(HttpHeaders source, StringValues connection, IHeaderDictionary destination, bool isSwitch)
    {
        foreach (var header in source.NonValidated)
        {
            var name = header.Key;

            // On 101 the Upgrade header says what we switch to; Kestrel adds "Connection: Upgrade" itself.
            if (isSwitch && name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                destination[name] = ToStringValues(header.Value);
                continue;
            }

            if (HeaderPolicy.IsResponseHopByHop(name) || HeaderPolicy.IsNominated(connection, name)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                // Content-Length is set by the caller, once.
                continue;
            }

            // Appended, as Go's ReverseProxy does: headers set before forwarding (the sticky cookie) are kept.
            var values = ToStringValues(header.Value);
            destination[name] = destination.TryGetValue(name, out var existing) ? StringValues.Concat(existing, values) : values;
        }
    }

    private static void CopyTrailers(HttpContext context, HttpResponseMessage response)
    {
        var trailers = response.TrailingHeaders;
        if (trailers.NonValidated.Count == 0)
        {
            return;
        }

        // HTTP/1.1 responses in Kestrel have no trailers feature; the trailers are then lost, as they would be in Go.
        var feature = context.Features.Get<IHttpResponseTrailersFeature>();
        if (feature?.Trailers is not { IsReadOnly: false } destination)
        {
            return;
        }

        foreach (var header in trailers.NonValidated)
        {
            if (!HeaderPolicy.IsResponseHopByHop(header.Key))
            {
                destination[header.Key] = ToStringValues(header.Value);
            }
        }
    }

    private static StringValues ToStringValues(HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            return values.ToString();
        }

        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return array;
    }

    /// <summary>Control characters other than HTAB, which no header value may carry (RFC 9110 §5.5).</summary>
    private static readonly System.Buffers.SearchValues<char> s_invalidValueChars = System.Buffers.SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    /// <summary>
    /// Why a response head must not reach the client, or null. Two different Content-Length values make the body
    /// length ambiguous, the root of response splitting, and a length that is not a number cannot frame anything:
    /// Go rejects both and so do we (identical repeats are tolerated, as RFC 9112 §6.3 allows). A control character
    /// in a value (which SocketsHttpHandler lets through, NUL included) would be written to the client as is.
    /// </summary>
    private static string? InvalidResponseHead(HttpResponseMessage response)
    {
        if (response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var lengths))
        {
            string? first = null;
            foreach (var value in lengths)
            {
                foreach (var range in value.AsSpan().Split(','))
                {
                    var item = value.AsSpan()[range].Trim();
                    if (item.IsEmpty || item.ContainsAnyExceptInRange('0', '9'))
                    {
                        return "The server sent an invalid Content-Length header.";
                    }

                    if (first is null)
                    {
                        first = item.ToString();
                    }
                    else if (!item.SequenceEqual(first))
                    {
                        return "The server sent conflicting Content-Length headers.";
                    }
                }
            }
        }

        return HasInvalidCharacters(response.Headers) || HasInvalidCharacters(response.Content.Headers)
            ? "The server sent a control character in a header value."
            : null;
    }

    private static bool HasInvalidCharacters(HttpHeaders headers)
    {
        foreach (var header in headers.NonValidated)
        {
            foreach (var value in header.Value)
            {
                if (value.AsSpan().ContainsAny(s_invalidValueChars))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
