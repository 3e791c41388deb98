using System.Net;
using Portico.FunctionalTests.Infrastructure;
using Portico.Tcp.ProxyProtocol;

namespace Portico.FunctionalTests.Tcp.ProxyProtocol;

/// <summary>
/// PROXY protocol received on an entry point: the client address a trusted peer's header carries becomes the connection's
/// remote address for HTTP (X-Forwarded-For, X-Real-Ip) and TCP rules; an untrusted peer's header is read and ignored,
/// as Traefik (go-proxyproto's IGNORE policy) does; broken headers close the connection.
/// </summary>
public sealed class ProxyProtocolReceivedTests
{
    private const string Request = "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n";

    private static readonly IPEndPoint Client = IPEndPoint.Parse("203.0.113.7:4242");
    private static readonly IPEndPoint Destination = IPEndPoint.Parse("198.51.100.9:443");

    private static string Static(string proxyProtocol, string readTimeout = "10s") => $"""
        entryPoints:
          web:
            address: "127.0.0.1:0"
            transport:
              respondingTimeouts:
                readTimeout: {readTimeout}
            proxyProtocol:
              {proxyProtocol}
        """;

    private const string TrustLoopback = "trustedIPs: [\"127.0.0.1/32\"]";

    public static TheoryData<string, string, string?, int, string> Headers => new()
    {
        // name, proxyProtocol block, client source address, PROXY version (0: none), expected X-Forwarded-For
        { "trusted v1", TrustLoopback, null, 1, "203.0.113.7" },
        { "trusted v2", TrustLoopback, null, 2, "203.0.113.7" },
        { "trusted, no header", TrustLoopback, null, 0, "127.0.0.1" },
        { "untrusted v1: read and ignored", TrustLoopback, "127.0.0.2", 1, "127.0.0.2" },
        { "untrusted v2: read and ignored", TrustLoopback, "127.0.0.2", 2, "127.0.0.2" },
        { "untrusted, no header", TrustLoopback, "127.0.0.2", 0, "127.0.0.2" },
        { "insecure trusts everyone", "insecure: true", "127.0.0.2", 2, "203.0.113.7" },
        { "trusted by CIDR", "trustedIPs: [\"127.0.0.0/24\"]", "127.0.0.3", 1, "203.0.113.7" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task TheHeaderOfATrustedPeerBecomesTheClientAddressAsync(string name, string proxyProtocol, string? source, int version, string expected)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static(proxyProtocol), backend.CatchAllYaml());
        using var client = await SourcedClient.ConnectAsync(portico.Url().Port, source is null ? null : IPAddress.Parse(source));

        byte[] header = version == 0 ? [] : ProxyHeaderWriter.Write(version, Client, Destination);
        await client.SendAsync([.. header, .. System.Text.Encoding.ASCII.GetBytes(Request)]);
        var response = await client.ReadToCloseAsync();

        Assert.True(response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"{name}: {response}");
        var seen = Assert.Single(backend.Seen);
        Assert.Equal(expected, seen.Headers["X-Forwarded-For"]);
        Assert.Equal(expected, seen.Headers["X-Real-Ip"]);
    }

    [Fact]
    public async Task TheAccessLogRecordsTheAddressOfTheHeaderAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var log = Path.Combine(Path.GetTempPath(), "portico-pp-" + Guid.NewGuid().ToString("N")[..12], "access.log");
        await using var portico = await PorticoHost.StartAsync(Static(TrustLoopback) + $"\naccessLog:\n  filePath: \"{log}\"\n  format: json\n", backend.CatchAllYaml());
        using var client = await SourcedClient.ConnectAsync(portico.Url().Port);

        await client.SendAsync([.. ProxyHeaderWriter.Write(2, Client, Destination), .. System.Text.Encoding.ASCII.GetBytes(Request)]);
        await client.ReadToCloseAsync();
        await portico.Server.AccessLog!.Writer.WaitForWrittenAsync(1).WaitAsync(PorticoHost.Timeout);

        using var line = System.Text.Json.JsonDocument.Parse((await File.ReadAllLinesAsync(log)).Single());
        Assert.Equal("203.0.113.7:4242", line.RootElement.GetProperty("ClientAddr").GetString());
        Assert.Equal("203.0.113.7", line.RootElement.GetProperty("ClientHost").GetString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task TlsFollowsTheHeaderAsync(int version)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static(TrustLoopback));
        var certificate = Portico.FunctionalTests.Tls.TestCertificates.Write(portico.Directory, "secure", "secure.test");
        await portico.WriteDynamicAsync($$"""
            http:
              routers:
                secure:
                  rule: "Host(`secure.test`)"
                  service: app
                  tls: {}
              services:
                app:
                  loadBalancer:
                    servers: [{url: "{{backend.Url}}"}]
            tls:
              certificates:
                - {certFile: "{{certificate.CertFile}}", keyFile: "{{certificate.KeyFile}}"}
            """);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, portico.Url().Port)).WaitAsync(PorticoHost.Timeout);
        await socket.SendAsync(ProxyHeaderWriter.Write(version, Client, Destination)).WaitAsync(PorticoHost.Timeout);

        // The TLS handshake starts right after the header: Portico's TLS sniffing must see the ClientHello first.
        await using var tls = new System.Net.Security.SslStream(new System.Net.Sockets.NetworkStream(socket), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("secure.test").WaitAsync(PorticoHost.Timeout);
        await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes(Request.Replace("example.com", "secure.test", StringComparison.Ordinal))).AsTask().WaitAsync(PorticoHost.Timeout);
        using var reader = new StreamReader(tls);
        var response = await reader.ReadToEndAsync().WaitAsync(PorticoHost.Timeout);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var seen = Assert.Single(backend.Seen);
        Assert.Equal("203.0.113.7", seen.Headers["X-Forwarded-For"]);
        Assert.Equal("https", seen.Headers["X-Forwarded-Proto"]);
    }

    [Theory]
    [InlineData(1, "send-proxy")]
    [InlineData(2, "send-proxy-v2")]
    public async Task HaproxyInFrontCarriesTheOriginalClientAddressAsync(int version, string sendProxy)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static(TrustLoopback), backend.CatchAllYaml());
        var front = FreePort.Get();
        await using var haproxy = await HaproxyProcess.StartAsync($"""
            listen front
              bind 127.0.0.1:{front}
              server portico 127.0.0.1:{portico.Url().Port} {sendProxy}
            """, front);

        // HAProxy connects to Portico from 127.0.0.1 (trusted) and names the real client, 127.0.0.9, in its header.
        using var client = await SourcedClient.ConnectAsync(front, IPAddress.Parse("127.0.0.9"));
        await client.SendAsync(Request);
        var response = await client.ReadToCloseAsync();

        Assert.True(response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"v{version}: {response}");
        Assert.Equal("127.0.0.9", Assert.Single(backend.Seen).Headers["X-Forwarded-For"]);
    }

    public static TheoryData<string, string> Broken => new()
    {
        { "v1 cut short", "PROXY TCP4 203.0.113.7 198.51" },
        { "v1 malformed", "PROXY TCP4 not-an-ip 198.51.100.9 4242 443\r\n" + Request },
        { "v1 without CRLF", "PROXY TCP4 " + new string('1', 120) },
        { "v2 cut short", "\r\n\r\n\0\r\nQUIT\n\u0021\u0011\0\u000c\u00cb\0" },
        { "v2 unknown version", "\r\n\r\n\0\r\nQUIT\n\u0031\u0011\0\u000c" + new string('\0', 12) + Request },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task ABrokenHeaderClosesTheConnectionWithoutAnswerAsync(string name, string bytes)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static(TrustLoopback), backend.CatchAllYaml());
        using var client = await SourcedClient.ConnectAsync(portico.Url().Port);

        await client.SendAsync(bytes);
        client.ShutdownSend();

        Assert.True(await client.ReadToCloseAsync() == string.Empty, name);
        Assert.Empty(backend.Seen);
    }

    [Fact]
    public async Task AHeaderThatStopsHalfwayIsClosedAfterTheReadTimeoutAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static(TrustLoopback, readTimeout: "1s"), backend.CatchAllYaml());
        using var client = await SourcedClient.ConnectAsync(portico.Url().Port);

        // The client keeps the connection open: only the entry point's read timeout ends it.
        await client.SendAsync("PROXY TCP4 203.0.113.7 ");

        Assert.Equal(string.Empty, await client.ReadToCloseAsync());
        Assert.Empty(backend.Seen);
    }

    [Fact]
    public async Task TcpClientIPRulesSeeTheAddressOfTheHeaderAsync()
    {
        await using var echo = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static(TrustLoopback), $"""
            tcp:
              routers:
                documentation-net:
                  entryPoints: [web]
                  rule: "ClientIP(`203.0.113.0/24`)"
                  service: echo
              services:
                echo:
                  loadBalancer:
                    servers:
                      - address: "{echo.Address}"
            """);
        using var client = await SourcedClient.ConnectAsync(portico.Url().Port);

        await client.SendAsync(ProxyHeaderWriter.Write(2, Client, Destination));

        // The route matches on the header's address alone, so the backend greets before the client's first byte.
        Assert.Equal("b1\n", await client.ReadSomeAsync());
    }
}
