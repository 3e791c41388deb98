using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Portico.FunctionalTests.Infrastructure;
using Portico.Tcp.ProxyProtocol;

namespace Portico.FunctionalTests.Tcp.ProxyProtocol;

/// <summary>
/// PROXY protocol sent to TCP backends (<c>serversTransports.proxyProtocol</c>, and the deprecated service option): the
/// backend reads the header before any client byte, naming the client and the address it connected to.
/// </summary>
public sealed class ProxyProtocolSentTests
{
    private const string Static = """
        entryPoints:
          tcp:
            address: "127.0.0.1:0"
            proxyProtocol:
              trustedIPs: ["127.0.0.1"]
        """;

    private static string Dynamic(int sinkPort, string loadBalancerExtra, string transports = "") => $"""
        tcp:
          routers:
            all:
              entryPoints: [tcp]
              rule: "HostSNI(`*`)"
              service: sink
          services:
            sink:
              loadBalancer:
                {loadBalancerExtra}
                servers:
                  - address: "127.0.0.1:{sinkPort}"
          serversTransports:
            v1:
              proxyProtocol:
                version: 1
            v2:
              proxyProtocol:
                version: 2
            plain:
              dialTimeout: 30s
        {transports}
        """;

    public static TheoryData<string, string, int> Sent => new()
    {
        { "transport v1", "serversTransport: v1", 1 },
        { "transport v2", "serversTransport: v2", 2 },
        { "deprecated service option", "proxyProtocol: {version: 1}", 1 },
    };

    [Theory]
    [MemberData(nameof(Sent))]
    public async Task TheBackendReadsTheClientAddressBeforeAnyClientByteAsync(string name, string loadBalancer, int version)
    {
        using var sink = new TcpListener(IPAddress.Loopback, 0);
        sink.Start();
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(((IPEndPoint)sink.LocalEndpoint).Port, loadBalancer));
        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port);
        await client.SendAsync("hello");

        var (header, rest) = await ReceiveAsync(sink);

        Assert.True(version == header.Version, name);
        Assert.Equal(client.LocalEndPoint, header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, portico.Url("tcp").Port), header.Destination);
        Assert.Equal("hello", rest);
    }

    [Fact]
    public async Task TheHeaderPrecedesTheTlsHandshakeToATlsServerAsync()
    {
        using var sink = new TcpListener(IPAddress.Loopback, 0);
        sink.Start();
        var port = ((IPEndPoint)sink.LocalEndpoint).Port;
        await using var portico = await PorticoHost.StartAsync(Static, $$"""
            tcp:
              routers:
                all:
                  entryPoints: [tcp]
                  rule: "HostSNI(`*`)"
                  service: sink
              services:
                sink:
                  loadBalancer:
                    serversTransport: tls-v2
                    servers:
                      - address: "127.0.0.1:{{port}}"
                        tls: true
              serversTransports:
                tls-v2:
                  proxyProtocol:
                    version: 2
                  tls:
                    insecureSkipVerify: true
            """);
        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port);
        await client.SendAsync("hello");

        // As Traefik's dialer: the PROXY header in cleartext on the raw connection, then the TLS handshake.
        using var connection = await sink.AcceptTcpClientAsync().WaitAsync(PorticoHost.Timeout);
        var stream = connection.GetStream();
        var header = new byte[16 + 12];
        await stream.ReadExactlyAsync(header).AsTask().WaitAsync(PorticoHost.Timeout);
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(header), out var parsed, out var consumed, out _));
        Assert.Equal(header.Length, consumed);
        Assert.Equal(client.LocalEndPoint, parsed!.Source);

        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=sink", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await using var ssl = new System.Net.Security.SslStream(stream);
        await ssl.AuthenticateAsServerAsync(certificate).WaitAsync(PorticoHost.Timeout);
        var buffer = new byte[5];
        await ssl.ReadExactlyAsync(buffer).AsTask().WaitAsync(PorticoHost.Timeout);
        Assert.Equal("hello", Encoding.ASCII.GetString(buffer));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task AReceivedHeaderIsPassedOnAsync(int version)
    {
        using var sink = new TcpListener(IPAddress.Loopback, 0);
        sink.Start();
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(((IPEndPoint)sink.LocalEndpoint).Port, $"serversTransport: v{version}"));
        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port);
        var source = IPEndPoint.Parse("203.0.113.7:4242");
        var destination = IPEndPoint.Parse("198.51.100.9:5432");
        await client.SendAsync([.. ProxyHeaderWriter.Write(3 - version, source, destination), .. "hello"u8]);

        var (header, rest) = await ReceiveAsync(sink);

        Assert.Equal(source, header.Source);
        Assert.Equal(destination, header.Destination);
        Assert.Equal("hello", rest);
    }

    [Fact]
    public async Task WithoutProxyProtocolTheBackendGetsTheClientBytesOnlyAsync()
    {
        using var sink = new TcpListener(IPAddress.Loopback, 0);
        sink.Start();

        // A named transport decides alone (Traefik v3): the service's deprecated option is not sent.
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(((IPEndPoint)sink.LocalEndpoint).Port, "serversTransport: plain\n        proxyProtocol: {version: 2}"));
        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port);
        await client.SendAsync("hello");

        using var connection = await sink.AcceptTcpClientAsync().WaitAsync(PorticoHost.Timeout);
        var buffer = new byte[5];
        await connection.GetStream().ReadExactlyAsync(buffer).AsTask().WaitAsync(PorticoHost.Timeout);
        Assert.Equal("hello", Encoding.ASCII.GetString(buffer));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task HaproxyAcceptsTheHeaderPorticoSendsAsync(int version)
    {
        using var sink = new TcpListener(IPAddress.Loopback, 0);
        sink.Start();
        var accept = FreePort.Get();

        // HAProxy reads Portico's header (accept-proxy) and re-announces what it understood to the sink as v1.
        await using var haproxy = await HaproxyProcess.StartAsync($"""
            listen accept
              bind 127.0.0.1:{accept} accept-proxy
              server sink 127.0.0.1:{((IPEndPoint)sink.LocalEndpoint).Port} send-proxy
            """, accept);
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(accept, $"serversTransport: v{version}"));

        // HAProxy's own probe connection (no header) is refused by accept-proxy; only Portico's reaches the sink.
        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port, IPAddress.Parse("127.0.0.9"));
        await client.SendAsync("hello");

        var (header, rest) = await ReceiveAsync(sink);

        Assert.Equal(client.LocalEndPoint, header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, portico.Url("tcp").Port), header.Destination);
        Assert.Equal("hello", rest);
    }

    [Fact]
    public async Task AnUnknownVersionDisablesTheTransportAndItsServicesAsync()
    {
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(1, "serversTransport: v3", """
                v3:
                  proxyProtocol:
                    version: 3
            """));

        var status = portico.Runtime.Current.Status;
        Assert.Contains(status.AllErrors, e => e.Message.Contains("unknown proxyProtocol version 3", StringComparison.Ordinal));
        Assert.Contains(status.TcpServices, s => s.Name == "sink@file" && s.Status == Portico.Runtime.ItemStatus.Disabled);
    }

    /// <summary>Accepts the proxied connection and reads the PROXY header and the bytes after it.</summary>
    private static async Task<(ProxyHeader Header, string Payload)> ReceiveAsync(TcpListener sink)
    {
        using var connection = await sink.AcceptTcpClientAsync().WaitAsync(PorticoHost.Timeout);
        var stream = connection.GetStream();
        var buffer = new byte[4096];
        var received = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(received)).AsTask().WaitAsync(PorticoHost.Timeout);
            Assert.True(read > 0, "the connection closed before the header and payload arrived");
            received += read;
            var status = ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(buffer, 0, received), out var header, out var consumed, out var error);
            Assert.True(status is ProxyHeaderStatus.Complete or ProxyHeaderStatus.Incomplete, $"{status}: {error}");
            if (status == ProxyHeaderStatus.Complete && received > consumed)
            {
                return (header!, Encoding.ASCII.GetString(buffer, consumed, received - consumed));
            }
        }
    }
}
