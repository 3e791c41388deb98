using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Portico.FunctionalTests.Tls;

/// <summary>
/// An HTTPS client that connects to a loopback entry point whatever the URL's host, so the host becomes the SNI, and
/// records the certificate each handshake presented.
/// </summary>
internal sealed class TlsClient : IDisposable
{
    private readonly HttpClient _client;

    public TlsClient(Uri entryPoint, SslProtocols protocols = SslProtocols.None)
    {
        Port = entryPoint.Port;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = protocols,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    LastThumbprint = certificate?.GetCertHashString();
                    LastSubject = certificate?.Subject;
                    return true;
                },
            },
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    }

    public int Port { get; }

    public string? LastThumbprint { get; private set; }

    public string? LastSubject { get; private set; }

    /// <summary>GET https://<paramref name="host"/>:port<paramref name="path"/>, HTTP/2 when ALPN offers it.</summary>
    public Task<HttpResponseMessage> GetAsync(string host, string path = "/")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"https://{host}:{Port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        return _client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(20));
    }

    public void Dispose() => _client.Dispose();
}
