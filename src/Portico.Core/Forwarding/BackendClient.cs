using System.Net;
using System.Runtime.CompilerServices;

namespace Portico.Forwarding;

/// <summary>
/// The pooled client of a servers transport. Plain requests (http, h2c) go to the base handler; https requests go to a
/// second handler whose connections <see cref="BackendTlsConnector"/> opens with Traefik's SNI and certificate check,
/// under an http URL so that the handler neither adds TLS again nor pools connections by the request's Host header.
/// </summary>
internal sealed class BackendClient : HttpMessageInvoker
{
    private static readonly UriCreationOptions s_uriOptions = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly HttpMessageInvoker _tls;
    private readonly ConditionalWeakTable<Uri, TlsServer> _servers = [];

    public BackendClient(SocketsHttpHandler plain, SocketsHttpHandler tls, BackendTlsConnector connector)
        : base(plain, disposeHandler: true)
    {
        _tls = new HttpMessageInvoker(tls, disposeHandler: true);
        Connector = connector;
    }

    public BackendTlsConnector Connector { get; }

    /// <summary>What the forwarder needs to send to an https server URL, computed once per URL.</summary>
    public TlsServer Server(Uri destination) =>
        _servers.TryGetValue(destination, out var server) ? server : _servers.GetValue(destination, url => new TlsServer(url, Connector.Endpoint(url.IdnHost, url.Port)));

    /// <summary>
    /// Sends a request already addressed to <see cref="TlsServer.WireAuthority"/> over http. Unless HTTP/2 is excluded,
    /// it is used when the server chose h2 in ALPN; the first request to a server waits for that answer.
    /// </summary>
    public Task<HttpResponseMessage> SendTlsAsync(HttpRequestMessage request, TlsServer server, bool allowHttp2, CancellationToken cancellationToken)
    {
        var http2 = allowHttp2 ? server.Endpoint.SupportsHttp2 : false;
        if (http2 is null)
        {
            return ProbeAndSendAsync(request, server.Endpoint, cancellationToken);
        }

        SetVersion(request, http2.Value);
        return _tls.SendAsync(request, cancellationToken);
    }

    /// <summary>Requests built elsewhere (health checks) with an https URL are readdressed here; the forwarder does it up front.</summary>
    public override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { Scheme: "https" } uri)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var exactHttp2 = request.Version.Major >= 2 && request.VersionPolicy == HttpVersionPolicy.RequestVersionExact;
        var server = Readdress(request, uri);
        if (exactHttp2)
        {
            SetVersion(request, http2: true);
            return _tls.SendAsync(request, cancellationToken);
        }

        return SendTlsAsync(request, server, allowHttp2: request.Version.Major >= 2 || request.VersionPolicy == HttpVersionPolicy.RequestVersionOrHigher, cancellationToken);
    }

    public override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { Scheme: "https" } uri)
        {
            return base.Send(request, cancellationToken);
        }

        // Synchronous sends are HTTP/1.1 only in SocketsHttpHandler.
        Readdress(request, uri);
        SetVersion(request, http2: false);
        return _tls.Send(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tls.Dispose();
        }

        base.Dispose(disposing);
    }

    private TlsServer Readdress(HttpRequestMessage request, Uri uri)
    {
        var server = new TlsServer(uri, Connector.Endpoint(uri.IdnHost, uri.Port));
        request.Headers.Host ??= server.HostHeader;
        request.RequestUri = new Uri(string.Concat("http://", server.WireAuthority, uri.PathAndQuery), in s_uriOptions);
        return server;
    }

    private async Task<HttpResponseMessage> ProbeAndSendAsync(HttpRequestMessage request, TlsEndpoint endpoint, CancellationToken cancellationToken)
    {
        var http2 = await endpoint.ProbeAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        SetVersion(request, http2);
        return await _tls.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Exact versions: over an http URL HTTP/2 means prior knowledge, which the connection's ALPN guarantees.</summary>
    private static void SetVersion(HttpRequestMessage request, bool http2)
    {
        request.Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
    }
}
