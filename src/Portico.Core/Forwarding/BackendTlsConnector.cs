using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using Portico.Configuration.Dynamic;

namespace Portico.Forwarding;

/// <summary>
/// Negotiates TLS to the backends of one servers transport, as Go does: SNI is <c>serverName</c> or the server URL's
/// host (none for an IP address), never the request's Host header. SocketsHttpHandler would name TLS connections after
/// the Host header and pool them by it, so the TLS handler of the transport receives <c>http://</c> URLs and this
/// connector is its connect callback.
/// </summary>
internal sealed class BackendTlsConnector
{
    private readonly ServersTransportItemConfig _config;
    private readonly ConcurrentDictionary<(string Host, int Port), TlsEndpoint> _endpoints = new();

    public BackendTlsConnector(ServersTransportItemConfig config, List<string> errors)
    {
        _config = config;
        BackendTls.Configure(Template, config, errors);
        DialTimeout = config.ForwardingTimeouts.DialTimeout;
    }

    /// <summary>The options every connection shares; each endpoint copies them and adds its name and ALPN list.</summary>
    public SslClientAuthenticationOptions Template { get; } = new();

    /// <summary>Bounds the TCP connect and the handshake of a protocol probe (none when not positive).</summary>
    public TimeSpan DialTimeout { get; }

    /// <summary>The state of one backend address (host as in <see cref="Uri.IdnHost"/>), created on first use.</summary>
    public TlsEndpoint Endpoint(string host, int port)
    {
        var key = (host, port);
        return _endpoints.TryGetValue(key, out var endpoint) ? endpoint : _endpoints.GetOrAdd(key, static (k, self) => new TlsEndpoint(self, k.Host, k.Port, self._config), this);
    }

    /// <summary>
    /// The connect callback of the TLS handler: (1) TCP connect, (2) handshake offering only the protocol the handler
    /// will speak (it decided from the request version before connecting), (3) remember what the server chose.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var http2 = context.InitialRequestMessage.Version.Major >= 2;
        SslStream ssl;
        try
        {
            ssl = await HandshakeAsync(endpoint, http2 ? endpoint.Http2Options : endpoint.Http11Options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The server may have changed (restarted without HTTP/2, or with HTTP/2 only): ask it again next time.
            endpoint.Forget();
            throw;
        }

        if (!http2)
        {
            return ssl;
        }

        if (ssl.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
        {
            endpoint.Record(http2: false);
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The server no longer accepts HTTP/2 (ALPN h2).");
        }

        return new Http2SchemeStream(ssl);
    }

    internal static async Task<SslStream> HandshakeAsync(TlsEndpoint endpoint, SslClientAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var network = await BackendConnections.ConnectAsync(endpoint.EndPoint, cancellationToken).ConfigureAwait(false);
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A failed probe surfaces like a failed connect of the handler, so the forwarder classifies it the same way.</summary>
    internal static Exception AsConnectError(Exception ex, bool timedOut) =>
        timedOut ? new TaskCanceledException("Connecting to the server timed out.", new TimeoutException("The dial timeout elapsed.", ex))
        : ex is AuthenticationException ? new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", ex)
        : new HttpRequestException(HttpRequestError.ConnectionError, ex.Message, ex);
}
