using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Portico.FunctionalTests.Tls;

/// <summary>
/// An HTTPS client for a loopback entry point (the URL's host becomes the SNI) that presents <paramref name="certificate"/>
/// when the server asks for one, and may restrict its protocols and cipher suites.
/// </summary>
internal sealed class MtlsClient(Uri entryPoint, X509Certificate2? certificate = null, SslProtocols protocols = SslProtocols.None, CipherSuitesPolicy? cipherSuites = null) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, entryPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = protocols,
            CipherSuitesPolicy = cipherSuites,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
        },
    })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>GET https://<paramref name="host"/>:port<paramref name="path"/> over HTTP/1.1.</summary>
    public Task<HttpResponseMessage> GetAsync(string host, string path = "/") =>
        _client.GetAsync(new Uri($"https://{host}:{entryPoint.Port}{path}")).WaitAsync(TimeSpan.FromSeconds(20));

    public void Dispose() => _client.Dispose();
}
