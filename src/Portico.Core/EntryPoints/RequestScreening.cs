using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Configuration.Static;

namespace Portico.EntryPoints;

/// <summary>
/// Checks on the request head that Kestrel leaves to the application, made before routing:
/// <list type="number">
/// <item>CONNECT. Kestrel accepts an authority-form <c>CONNECT host:port</c> and the forwarder would pass it on, asking
/// the backend to open a tunnel to wherever the client said; a reverse proxy is not a forward proxy, so, like nginx,
/// Portico answers 405. HTTP/2 extended CONNECT (WebSocket over HTTP/2) is an upgrade and goes on.</item>
/// <item>Transfer-Encoding. Kestrel removes the chunked framing and accepts any codings before it, so
/// <c>gzip, chunked</c> would reach the backend as a plain body that is secretly gzip, and <c>chunked, chunked</c>
/// (chunked applied twice, which RFC 9112 §6.1 forbids) de-chunked once. Like Go and nginx, only a single
/// <c>chunked</c> is accepted (501 otherwise), and never on HTTP/1.0, where RFC 9112 §6.1 calls the framing faulty (400).</item>
/// <item><c>http.underscoreHeadersStrategy</c>: headers whose names contain <c>_</c> are kept, deleted, or make the
/// request a 400 (many backends read <c>X_Auth_User</c> as <c>X-Auth-User</c>, which middlewares do not manage).</item>
/// <item><c>http.encodeQuerySemicolons</c>: <c>;</c> in the query is sent to the backend as <c>%3B</c>.</item>
/// </list>
/// </summary>
internal sealed class RequestScreening
{
    private readonly bool _deleteUnderscoreHeaders;
    private readonly bool _rejectUnderscoreHeaders;
    private readonly bool _encodeQuerySemicolons;

    public RequestScreening(EntryPointHttpConfig http)
    {
        _deleteUnderscoreHeaders = string.Equals(http.UnderscoreHeadersStrategy, "delete", StringComparison.OrdinalIgnoreCase);
        _rejectUnderscoreHeaders = string.Equals(http.UnderscoreHeadersStrategy, "reject", StringComparison.OrdinalIgnoreCase);
        _encodeQuerySemicolons = http.EncodeQuerySemicolons;
    }

    /// <summary>Returns the status to answer with and close, or 0 when the request may go on.</summary>
    public int Screen(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsConnect(request.Method) && context.Features.Get<IHttpExtendedConnectFeature>() is not { IsExtendedConnect: true })
        {
            return StatusCodes.Status405MethodNotAllowed;
        }

        var transferEncoding = request.Headers.TransferEncoding;
        if (transferEncoding.Count != 0)
        {
            if (HttpProtocol.IsHttp10(request.Protocol))
            {
                return StatusCodes.Status400BadRequest;
            }

            if (transferEncoding.Count != 1 || !transferEncoding[0].AsSpan().Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                return StatusCodes.Status501NotImplemented;
            }
        }

        if ((_deleteUnderscoreHeaders || _rejectUnderscoreHeaders) && HandleUnderscoreHeaders(request.Headers))
        {
            return StatusCodes.Status400BadRequest;
        }

        if (_encodeQuerySemicolons && request.QueryString.Value is { } query && query.Contains(';', StringComparison.Ordinal))
        {
            request.QueryString = new QueryString(query.Replace(";", "%3B", StringComparison.Ordinal));
        }

        return 0;
    }

    /// <summary>True when the request must be rejected; otherwise deletes the headers when the strategy says so.</summary>
    private bool HandleUnderscoreHeaders(IHeaderDictionary headers)
    {
        List<string>? found = null;
        foreach (var header in headers)
        {
            if (header.Key.Contains('_', StringComparison.Ordinal))
            {
                if (_rejectUnderscoreHeaders)
                {
                    return true;
                }

                (found ??= []).Add(header.Key);
            }
        }

        if (found is not null)
        {
            foreach (var name in found)
            {
                headers.Remove(name);
            }
        }

        return false;
    }
}
