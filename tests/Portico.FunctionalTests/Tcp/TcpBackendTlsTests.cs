using Portico.FunctionalTests.Infrastructure;
using Portico.FunctionalTests.Services;

namespace Portico.FunctionalTests.Tcp;

/// <summary><c>servers[].tls: true</c>: Portico speaks TLS to a real TLS backend, verified as the transport's <c>tls</c> says.</summary>
public sealed class TcpBackendTlsTests
{
    private const string Static = """
        entryPoints:
          tcp:
            address: "127.0.0.1:0"
        """;

    public static TheoryData<string, string, bool> Cases => new()
    {
        // The backend's certificate names backend.test and the IP 127.0.0.1, issued by the test CA.
        { "verified against rootCAs with serverName", "serverName: backend.test\n        rootCAs: [\"{ca}\"]", true },
        { "verified against the address's IP without serverName", "rootCAs: [\"{ca}\"]", true },
        { "insecureSkipVerify trusts an unknown CA", "insecureSkipVerify: true", true },
        { "wrong serverName is refused", "serverName: other.test\n        rootCAs: [\"{ca}\"]", false },
        { "unknown CA is refused", "serverName: backend.test", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TlsToTheBackendIsVerifiedAsTheTransportSaysAsync(string scenario, string tls, bool connects)
    {
        _ = scenario;
        using var pki = new TestPki();
        await using var backend = TcpEchoBackend.Start("tls-b", pki.Server("backend.test"));
        var logs = new CapturingLoggerProvider();
        await using var portico = await PorticoHost.StartAsync(Static, $"""
            tcp:
              routers:
                db:
                  entryPoints: [tcp]
                  rule: "HostSNI(`*`)"
                  service: db
              services:
                db:
                  loadBalancer:
                    serversTransport: secure
                    servers:
                      - address: "{backend.Address}"
                        tls: true
              serversTransports:
                secure:
                  tls:
                    {tls.Replace("{ca}", pki.CaFile, StringComparison.Ordinal)}
            """, loggerFactory: logs.Factory);

        await using var client = await LineClient.ConnectAsync(portico.Url("tcp"));
        if (connects)
        {
            // The greeting and the echo travel inside TLS between Portico and the backend.
            Assert.Equal("tls-b", await client.ReadLineAsync());
            await client.SendAsync("hello\n");
            Assert.Equal("hello", await client.ReadLineAsync());
        }
        else
        {
            Assert.Null(await client.ReadLineAsync());
            var line = await logs.WaitForAsync("TLS handshake with " + backend.Address).WaitAsync(PorticoHost.Timeout);
            Assert.Contains("failed", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvalidTransportTlsDisablesTheServicesUsingItAsync()
    {
        await using var portico = await PorticoHost.StartAsync(Static, """
            tcp:
              routers:
                db:
                  entryPoints: [tcp]
                  rule: "HostSNI(`*`)"
                  service: db
              services:
                db:
                  loadBalancer:
                    serversTransport: broken
                    servers:
                      - address: "127.0.0.1:1"
                        tls: true
              serversTransports:
                broken:
                  tls:
                    rootCAs: ["/nonexistent/ca.pem"]
            """);

        var status = portico.Runtime.Current.Status;
        Assert.Contains(status.ProviderErrors, e => e.Message.Contains("rootCAs", StringComparison.Ordinal));
        var service = Assert.Single(status.TcpServices);
        Assert.Equal(Runtime.ItemStatus.Disabled, service.Status);
        Assert.Contains(service.Errors, e => e.Message.Contains("serversTransport \"broken@file\" is invalid", StringComparison.Ordinal));
    }
}
