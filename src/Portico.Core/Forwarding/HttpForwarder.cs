using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Portico.Forwarding;

/// <summary>
/// Portico's HTTP forwarder over <see cref="SocketsHttpHandler"/>: streams one request to one server and the
/// response back, and reports failures as <see cref="ProxyError"/> values.
/// </summary>
internal sealed partial class HttpForwarder : IHttpForwarder
{
    private readonly TimeProvider _timeProvider;

    public HttpForwarder(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Whether the access log is on, so the body size is reported to <see cref="Runtime.PorticoRequestFeature.OriginContentSize"/>;
    /// when off, the forwarder does not even look the feature up.
    /// </summary>
    public bool RecordOriginSize { get; init; }

    /// <remarks>
    /// <code>
    /// client ──request──▶ Portico ──request──▶ server
    /// client ◀─response── Portico ◀─response── server
    /// </code>
    /// Steps: (0) lift the inbound body limits, (1) build the outgoing request (URL, version, body, headers),
    /// (2) send it and wait for the response head (bounded by the response header timeout), (3) map failures,
    /// (4) copy status and headers, (5) on 101 hand over to the upgrade pump, (6) stream the body,
    /// (7) copy trailers. Until step 4 the client's response is untouched, so the caller can still write a status.
    /// </remarks>
    public async ValueTask<ProxyError> SendAsync(HttpContext context, Uri destination, HttpMessageInvoker client, ForwarderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);

        // :: Step 0: a proxy must not cap or rate-limit bodies on its own; the server decides (Traefik has no limit).
        DisableInboundLimits(context);

        // :: Step 1: the outgoing request.
        var upgradeFeature = GetUpgradeFeature(context);
        var isGrpc = IsGrpc(context.Request.ContentType);
        // An https server behind a BackendClient is addressed over http: the client negotiates TLS itself (see TlsServer).
        var tls = destination.Scheme == "https" && client is BackendClient backend ? backend.Server(destination) : null;
        var uri = tls is null
            ? DestinationUri.Build(destination, context.Request, options.PreservePath)
            : DestinationUri.Build(destination, context.Request, options.PreservePath, "http", tls.WireAuthority);
        using var request = new HttpRequestMessage(HttpMethod.Parse(context.Request.Method), uri);
        SetVersion(request, destination.Scheme, upgradeFeature is not null, isGrpc, options.DisableHttp2);
        var content = upgradeFeature is null && HasBody(context) ? new StreamCopyHttpContent(context.Request.Body, context.RequestAborted) : null;
        request.Content = content;
        CopyRequestHeaders(context, request, options.PassHostHeader, upgradeFeature is not null);
        if (tls is not null && !(options.PassHostHeader && context.Request.Host.HasValue))
        {
            request.Headers.Host = tls.HostHeader;
        }

        // :: Step 2: send and wait for the response head only (the handler never buffers the body).
        var aborted = context.RequestAborted;
        using var timeout = options.ResponseHeaderTimeout > TimeSpan.Zero ? new CancellationTokenSource(options.ResponseHeaderTimeout, _timeProvider) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
        HttpResponseMessage response;
        try
        {
            var token = linked?.Token ?? aborted;
            response = tls is null
                ? await client.SendAsync(request, token)
                : await ((BackendClient)client).SendTlsAsync(request, tls, allowHttp2: upgradeFeature is null && !options.DisableHttp2, token);
        }
        catch (Exception ex)
        {
            // :: Step 3: nothing was written to the client; the caller maps the error to 502/504/499.
            return Fail(context, ClassifySendError(ex, aborted, content, timeout), ex);
        }

        using (response)
        {
            // The timeout covers the response head only: a long download or a gRPC stream must not be cut by it.
            timeout?.CancelAfter(Timeout.InfiniteTimeSpan);

            // :: Step 4: status and headers. A malformed head is refused before anything reaches the client.
            if (InvalidResponseHead(response) is { } invalid)
            {
                return Fail(context, ProxyError.ResponseHeaders, new HttpRequestException(invalid));
            }

            context.Response.StatusCode = (int)response.StatusCode;
            CopyResponseHeaders(response, context.Response.Headers);

            // :: Step 5: a switched protocol is pumped both ways until one side closes.
            if (response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                if (upgradeFeature is null)
                {
                    context.Response.Clear();
                    return Fail(context, ProxyError.ResponseHeaders, new HttpRequestException("The server switched protocols without being asked to."));
                }

                return await UpgradeAsync(context, upgradeFeature, response);
            }

            // :: Step 6: the body, flushed as the policy says (see ResponseBodyCopier).
            var flushEveryWrite = options.FlushInterval < TimeSpan.Zero || isGrpc
                || response.Content.Headers.ContentLength is null
                || string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
            var source = await response.Content.ReadAsStreamAsync(aborted);
            var (error, exception, written) = await ResponseBodyCopier.CopyAsync(
                source, context.Response.BodyWriter, flushEveryWrite, options.FlushInterval, flushHeadersEarly: !isGrpc, aborted);
            if (RecordOriginSize && Runtime.PorticoRequestFeature.Get(context) is { RecordOrigin: true } feature)
            {
                feature.OriginContentSize = written;
            }

            if (error != ProxyError.None)
            {
                return FailBody(context, aborted.IsCancellationRequested ? ProxyError.ResponseBodyClient : error, exception, written > 0);
            }

            // :: Step 7: trailers (gRPC puts its status there). Kestrel sends them when the response completes.
            CopyTrailers(context, response);
            return ProxyError.None;
        }
    }

    private static void DisableInboundLimits(HttpContext context)
    {
        var maxBody = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (maxBody is { IsReadOnly: false })
        {
            maxBody.MaxRequestBodySize = null;
        }

        // A streaming client (gRPC, a slow upload) may legitimately pause longer than Kestrel's minimum data rate allows.
        var minRate = context.Features.Get<IHttpMinRequestBodyDataRateFeature>();
        if (minRate is not null)
        {
            minRate.MinDataRate = null;
        }
    }

    private static bool HasBody(HttpContext context)
    {
        var detection = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (detection is not null)
        {
            return detection.CanHaveBody;
        }

        return context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
    }

    private static bool IsGrpc(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == 16 || contentType[16] is '+' or ';');

    private static void SetVersion(HttpRequestMessage request, string scheme, bool isUpgrade, bool isGrpc, bool disableHttp2)
    {
        if (isUpgrade)
        {
            // WebSocket and other upgrades are an HTTP/1.1 mechanism.
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        else if (scheme == "h2c" || (isGrpc && scheme == "http" && !disableHttp2))
        {
            // h2c is HTTP/2 with prior knowledge; gRPC cannot work over HTTP/1.1 at all.
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        else if (scheme == "https" && !disableHttp2)
        {
            // ALPN picks HTTP/2 when the server offers it.
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
        else
        {
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
    }

    private static ProxyError Fail(HttpContext context, ProxyError error, Exception? exception)
    {
        context.Features.Set(new ProxyErrorInfo(error, exception));
        return error;
    }

    /// <summary>
    /// A body failure before any byte was copied still lets the caller answer 502 with a clean response. Once a byte
    /// was copied, the only honest signal is to abort, even when the response has not started: those bytes may sit
    /// unflushed in the response pipe, where <c>HttpResponse.Clear</c> cannot reach them, and an error status written
    /// after them would go out as a complete-looking response carrying the truncated body. So the client never
    /// mistakes a truncated body for a complete one.
    /// </summary>
    private static ProxyError FailBody(HttpContext context, ProxyError error, Exception? exception, bool wrote)
    {
        if (context.Response.HasStarted || wrote)
        {
            context.Abort();
        }
        else
        {
            context.Response.Clear();
        }

        return Fail(context, error, exception);
    }
}
