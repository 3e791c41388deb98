using System.Diagnostics;
using Portico.FunctionalTests.Infrastructure;
using Portico.FunctionalTests.Services;
using Portico.FunctionalTests.Tcp.ProxyProtocol;
using Portico.FunctionalTests.Tls;

namespace Portico.FunctionalTests.Tcp;

/// <summary>
/// TCP routing against hostile or odd clients through a real listener: malformed ClientHellos, clients that never speak,
/// ALPN routing and ClientIP rules, each checked against what Traefik's TCP router does.
/// </summary>
public sealed class TcpRobustnessTests
{
    private static string Static(string readTimeout = "10s") => $"""
        entryPoints:
          tcp:
            address: "127.0.0.1:0"
            transport:
              respondingTimeouts:
                readTimeout: {readTimeout}
        """;

    private static string TerminatingRouter(TcpEchoBackend backend, (string CertFile, string KeyFile, string Thumbprint) cert) => $$"""
        tcp:
          routers:
            db:
              entryPoints: [tcp]
              rule: "HostSNI(`db.test`)"
              service: db
              tls: {}
          services:
            db:
              loadBalancer:
                servers: [{address: "{{backend.Address}}"}]
        tls:
          certificates:
            - {certFile: "{{cert.CertFile}}", keyFile: "{{cert.KeyFile}}"}
        """;

    public static TheoryData<string, string> MalformedHellos => new()
    {
        { "a ServerHello instead of a ClientHello", "16030100080200000403030000" },
        { "a handshake longer than its record, then application data", "160301000401000100" + "170303000100" },
        { "an empty record", "1603010000" },
        { "a ClientHello cut before its cipher suites", "16030100080100000403030000" },
        { "an unknown record version", "160909000100" },
    };

    /// <summary>
    /// Traefik treats a 0x16 record it cannot parse as TLS without a server name: no TLS TCP route with a name matches,
    /// so the HTTPS side takes it and its handshake fails (at once for a bad message; an empty record makes the TLS
    /// library wait for more, until the read timeout bounds the handshake, in Go's TLS as in OpenSSL). The connection
    /// closes without reaching the backend, and nothing else changes.
    /// </summary>
    [Theory]
    [MemberData(nameof(MalformedHellos))]
    public async Task AMalformedClientHelloIsClosedAndTheNextConnectionsWorkAsync(string row, string hex)
    {
        await using var backend = TcpEchoBackend.Start("db");
        await using var portico = await PorticoHost.StartAsync(Static("2s"));
        var cert = TestCertificates.Write(portico.Directory, "db", "db.test");
        await portico.WriteDynamicAsync(TerminatingRouter(backend, cert));

        using (var bad = await SourcedClient.ConnectAsync(portico.Url("tcp").Port))
        {
            var elapsed = Stopwatch.StartNew();
            await bad.SendAsync(Convert.FromHexString(hex));

            // The client keeps its side open: Portico must close it, at the latest when the read timeout ends the handshake.
            Assert.True(await bad.ReadToCloseAsync() is { } answer && !answer.Contains("db", StringComparison.Ordinal), row);
            Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(8), $"{row}: closed after {elapsed.Elapsed}");
        }

        await using var good = await LineClient.ConnectAsync(portico.Url("tcp"), "db.test");
        Assert.Equal("db", await good.ReadLineAsync());
        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task ASilentClientIsClosedAfterTheReadTimeoutWhenTlsRoutersNeedItsFirstBytesAsync()
    {
        await using var backend = TcpEchoBackend.Start("db");
        await using var portico = await PorticoHost.StartAsync(Static("1s"));
        var cert = TestCertificates.Write(portico.Directory, "db", "db.test");
        await portico.WriteDynamicAsync(TerminatingRouter(backend, cert));

        using var silent = await SourcedClient.ConnectAsync(portico.Url("tcp").Port);
        var elapsed = Stopwatch.StartNew();

        Assert.Equal(string.Empty, await silent.ReadToCloseAsync());
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(8));
        Assert.Equal(0, backend.Connections);
    }

    public static TheoryData<string, string?, string> AlpnOffers => new()
    {
        { "h2 offered", "h2", "h2-backend" },
        { "http/1.1 offered", "http/1.1", "any-backend" },
        { "no ALPN", null, "any-backend" },
    };

    [Theory]
    [MemberData(nameof(AlpnOffers))]
    public async Task AlpnPicksBetweenPassthroughRoutersForOneNameAsync(string row, string? alpn, string expected)
    {
        _ = row;
        using var pki = new TestPki();
        await using var h2 = TcpEchoBackend.Start("h2-backend", pki.Server("x.test"));
        await using var any = TcpEchoBackend.Start("any-backend", pki.Server("x.test"));
        await using var portico = await PorticoHost.StartAsync(Static(), $$"""
            tcp:
              routers:
                h2:
                  entryPoints: [tcp]
                  rule: "HostSNI(`x.test`) && ALPN(`h2`)"
                  service: h2
                  tls: {passthrough: true}
                any:
                  entryPoints: [tcp]
                  rule: "HostSNI(`x.test`)"
                  service: any
                  tls: {passthrough: true}
              services:
                h2:
                  loadBalancer:
                    servers: [{address: "{{h2.Address}}"}]
                any:
                  loadBalancer:
                    servers: [{address: "{{any.Address}}"}]
            """);

        await using var client = await LineClient.ConnectAsync(portico.Url("tcp"), "x.test", pki.CaFile, alpn);
        Assert.Equal(expected, await client.ReadLineAsync());
    }

    /// <summary>
    /// A cleartext ClientIP route takes a matching connection before its first byte; a refused client goes on to HTTP on
    /// the same port, as in Traefik (the TCP router's no-match falls through to the HTTP forwarder).
    /// </summary>
    [Theory]
    [InlineData("127.0.0.1", "tcp")]
    [InlineData("10.0.0.0/8", "http")]
    public async Task ClientIPRulesTakeOrPassTheConnectionOnAsync(string range, string expected)
    {
        await using var echo = TcpEchoBackend.Start("tcp");
        await using var app = await Backend.NamedAsync("http");
        await using var portico = await PorticoHost.StartAsync(Static(), $$"""
            http:
              routers:
                app:
                  entryPoints: [tcp]
                  rule: "PathPrefix(`/`)"
                  service: app
              services:
                app:
                  loadBalancer:
                    servers: [{url: "{{app.Url}}"}]
            tcp:
              routers:
                office:
                  entryPoints: [tcp]
                  rule: "ClientIP(`{{range}}`)"
                  service: echo
              services:
                echo:
                  loadBalancer:
                    servers: [{address: "{{echo.Address}}"}]
            """);

        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port);
        if (expected == "tcp")
        {
            Assert.Equal("tcp\n", await client.ReadSomeAsync());
            return;
        }

        await client.SendAsync("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        var response = await client.ReadToCloseAsync();
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("\r\nhttp\r\n", response, StringComparison.Ordinal);
        Assert.Equal(0, echo.Connections);
    }
}
