using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Portico.EntryPoints;

namespace Portico.Tests.EntryPoints;

public sealed class AcmeTlsAlpnDetectionTests
{
    [Theory]
    [InlineData("acme-tls/1 only", new[] { "acme-tls/1" }, true)]
    [InlineData("acme-tls/1 after h2", new[] { "h2", "acme-tls/1" }, true)]
    [InlineData("browser protocols", new[] { "h2", "http/1.1" }, false)]
    [InlineData("no ALPN at all", new string[0], false)]
    public async Task Finds_acme_tls_in_a_real_client_hello(string scenario, string[] protocols, bool expected)
    {
        _ = scenario;
        var hello = await CaptureClientHelloAsync(protocols).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(expected, AcmeTlsAlpnDetection.TryFindAlpn(new ReadOnlySequence<byte>(hello), "acme-tls/1"));

        // Any prefix of the record is incomplete: the detection waits for more bytes instead of guessing.
        Assert.Null(AcmeTlsAlpnDetection.TryFindAlpn(new ReadOnlySequence<byte>(hello, 0, hello.Length - 1), "acme-tls/1"));
    }

    [Theory]
    [InlineData("plain HTTP", "GET / HTTP/1.1\r\n")]
    [InlineData("TLS alert record", "\u0015\u0003\u0003\u0000\u0002\u0002\u0028")]
    public void Anything_but_a_client_hello_is_not_acme_tls(string scenario, string bytes)
    {
        _ = scenario;
        Assert.False(AcmeTlsAlpnDetection.TryFindAlpn(new ReadOnlySequence<byte>(bytes.Select(c => (byte)c).ToArray()), "acme-tls/1"));
    }

    /// <summary>The first TLS record a real <see cref="SslStream"/> client sends, read by a loopback listener.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync(string[] protocols)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: true, (_, _, _, _) => true);
        var options = new SslClientAuthenticationOptions { TargetHost = "app.example.test" };
        if (protocols.Length > 0)
        {
            options.ApplicationProtocols = protocols.Select(p => new SslApplicationProtocol(p)).ToList();
        }

        var handshake = ssl.AuthenticateAsClientAsync(options);
        var stream = server.GetStream();
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var record = new byte[5 + ((header[3] << 8) | header[4])];
        header.CopyTo(record, 0);
        await stream.ReadExactlyAsync(record.AsMemory(5));
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        ssl.Dispose();
        return record;
    }
}
