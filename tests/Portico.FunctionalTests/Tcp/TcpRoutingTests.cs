using System.Net;
using Portico.FunctionalTests.Infrastructure;
using Portico.FunctionalTests.Services;
using Portico.FunctionalTests.Tls;
using Portico.Runtime;

namespace Portico.FunctionalTests.Tcp;

public sealed class TcpRoutingTests
{
    private const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
          tcp:
            address: "127.0.0.1:0"
        """;

    private static string CatchAll(string servers, string transport = "") => $"""
        tcp:
          routers:
            echo:
              entryPoints: [tcp]
              rule: "HostSNI(`*`)"
              service: echo
          services:
            echo:
              loadBalancer:
                {transport}
                servers:
        {servers}
          serversTransports:
            slow:
              terminationDelay: 30s
        """;

    private static string Server(TcpEchoBackend backend) => $"          - address: \"{backend.Address}\"";

    [Fact]
    public async Task CatchAllRouterProxiesBothWaysAndServerFirstProtocolsGreetAsync()
    {
        await using var backend = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, CatchAll(Server(backend)));

        // The client sends nothing first: the backend's greeting must still arrive (routed before the first byte).
        await using var client = await LineClient.ConnectAsync(portico.Url("tcp"));
        Assert.Equal("b1", await client.ReadLineAsync());
        await client.SendAsync("hello\n");
        Assert.Equal("hello", await client.ReadLineAsync());

        var router = Assert.Single(portico.Runtime.Current.Status.TcpRouters);
        Assert.Equal(ItemStatus.Enabled, router.Status);
        Assert.Equal("echo@file", router.Name);
    }

    [Fact]
    public async Task HalfCloseLetsTheClientReadTheReplyAfterItStoppedSendingAsync()
    {
        await using var backend = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, CatchAll(Server(backend), "serversTransport: slow"));

        await using var client = await LineClient.ConnectAsync(portico.Url("tcp"));
        await client.SendAsync("ping\n");
        await client.ShutdownSendAsync();

        // The backend sees end-of-stream only through a real FIN, then answers, then closes its side: all must arrive.
        Assert.Equal("b1\nping\nb1:eof\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task WeightedServicesShareConnectionsByWeightAsync()
    {
        await using var a = TcpEchoBackend.Start("a");
        await using var b = TcpEchoBackend.Start("b");
        await using var portico = await PorticoHost.StartAsync(Static, $"""
            tcp:
              routers:
                echo:
                  entryPoints: [tcp]
                  rule: "HostSNI(`*`)"
                  service: split
              services:
                split:
                  weighted:
                    services:
                      - {"{"}name: a, weight: 3{"}"}
                      - {"{"}name: b, weight: 1{"}"}
                a:
                  loadBalancer:
                    servers: [{"{"}address: "{a.Address}"{"}"}]
                b:
                  loadBalancer:
                    servers: [{"{"}address: "{b.Address}"{"}"}]
            """);

        var greetings = new List<string?>();
        for (var i = 0; i < 8; i++)
        {
            await using var client = await LineClient.ConnectAsync(portico.Url("tcp"));
            greetings.Add(await client.ReadLineAsync());
        }

        Assert.Equal(6, greetings.Count(g => g == "a"));
        Assert.Equal(2, greetings.Count(g => g == "b"));
    }

    [Fact]
    public async Task AServerThatRefusesIsSkippedForTheNextOneAsync()
    {
        await using var live = TcpEchoBackend.Start("live");
        var dead = FreePort.Get();
        await using var portico = await PorticoHost.StartAsync(Static, CatchAll($"          - address: \"127.0.0.1:{dead}\"\n" + Server(live)));

        for (var i = 0; i < 3; i++)
        {
            await using var client = await LineClient.ConnectAsync(portico.Url("tcp"));
            Assert.Equal("live", await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task AReloadThatRemovesTheRouterKeepsOpenConnectionsAsync()
    {
        await using var backend = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, CatchAll(Server(backend)));
        await using var client = await LineClient.ConnectAsync(portico.Url("tcp"));
        Assert.Equal("b1", await client.ReadLineAsync());

        var snapshot = await portico.WriteDynamicAsync("http: {}\n");
        Assert.Empty(snapshot.Status.TcpRouters);
        Assert.False(snapshot.Tcp.ContainsKey("tcp"));

        await client.SendAsync("still there\n");
        Assert.Equal("still there", await client.ReadLineAsync());
        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task HttpAndTcpShareOnePortAsync()
    {
        using var pki = new TestPki();
        await using var db = TcpEchoBackend.Start("db", pki.Server("db.test"));
        await using var app = await Backend.NamedAsync("app");
        await using var portico = await PorticoHost.StartAsync(Static);
        var secure = TestCertificates.Write(portico.Directory, "secure", "secure.test");
        await portico.WriteDynamicAsync($$"""
            http:
              routers:
                app:
                  entryPoints: [web]
                  rule: "Host(`app.test`)"
                  service: app
                secure:
                  entryPoints: [web]
                  rule: "Host(`secure.test`)"
                  service: app
                  tls: {}
              services:
                app:
                  loadBalancer:
                    servers: [{url: "{{app.Url}}"}]
            tcp:
              routers:
                db:
                  entryPoints: [web]
                  rule: "HostSNI(`db.test`)"
                  service: db
                  tls:
                    passthrough: true
              services:
                db:
                  loadBalancer:
                    servers: [{address: "{{db.Address}}"}]
            tls:
              certificates:
                - {certFile: "{{secure.CertFile}}", keyFile: "{{secure.KeyFile}}"}
            """);

        // TLS for db.test reaches the backend untouched: the client verifies the backend's own certificate.
        await using (var tcp = await LineClient.ConnectAsync(portico.Url("web"), "db.test", pki.CaFile))
        {
            Assert.Equal("db", await tcp.ReadLineAsync());
            await tcp.SendAsync("select 1\n");
            Assert.Equal("select 1", await tcp.ReadLineAsync());
            Assert.Contains("CN=db.test", tcp.RemoteCertificate!.Subject, StringComparison.Ordinal);
        }

        // Cleartext HTTP and HTTPS for another name still reach the HTTP routers.
        using var request = new HttpRequestMessage(HttpMethod.Get, portico.Url("web")) { Headers = { Host = "app.test" } };
        using var plain = await portico.Client.SendAsync(request);
        Assert.Equal("app", await plain.Content.ReadAsStringAsync());
        using var https = new TlsClient(portico.Url("web"));
        using var response = await https.GetAsync("secure.test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("app", await response.Content.ReadAsStringAsync());
        Assert.Equal(secure.Thumbprint, https.LastThumbprint);
    }

    [Fact]
    public async Task TerminatedTlsIsProxiedDecryptedAsync()
    {
        await using var backend = TcpEchoBackend.Start("plain");
        await using var portico = await PorticoHost.StartAsync(Static);
        var cert = TestCertificates.Write(portico.Directory, "db", "db.test");
        await portico.WriteDynamicAsync($$"""
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
            """);

        await using var client = await LineClient.ConnectAsync(portico.Url("tcp"), "db.test");
        Assert.Equal("plain", await client.ReadLineAsync());
        await client.SendAsync("over tls\n");
        Assert.Equal("over tls", await client.ReadLineAsync());
        Assert.Contains("CN=db.test", client.RemoteCertificate!.Subject, StringComparison.Ordinal);
        await client.ShutdownSendAsync();
        Assert.Equal("plain:eof\n", await client.ReadToEndAsync());
    }

    public static TheoryData<string, string, string> BrokenRouters => new()
    {
        { "server name without tls", "rule: \"HostSNI(`db.test`)\"\n      service: echo", "HostSNI and HostSNIRegexp need a TLS router" },
        { "unknown service", "rule: \"HostSNI(`*`)\"\n      service: nope", "the service \"nope@file\" does not exist" },
        { "http matcher", "rule: \"Host(`a`)\"\n      service: echo", "unknown TCP matcher \"Host\"" },
        { "no rule", "service: echo", "router has no rule" },
    };

    [Theory]
    [MemberData(nameof(BrokenRouters))]
    public async Task BrokenRoutersAreDisabledWithTheirErrorAsync(string row, string body, string expected)
    {
        _ = row;
        await using var backend = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, $"""
            tcp:
              routers:
                bad:
                  {body}
              services:
                echo:
                  loadBalancer:
                    servers: [{"{"}address: "{backend.Address}"{"}"}]
            """);

        var router = Assert.Single(portico.Runtime.Current.Status.TcpRouters);
        Assert.Equal(ItemStatus.Disabled, router.Status);
        var error = Assert.Single(router.Errors, e => e.Severity == Configuration.ConfigSeverity.Error);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("TCP router \"bad@file\"", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("dynamic.yml", error.ToString(), StringComparison.Ordinal);
    }
}
