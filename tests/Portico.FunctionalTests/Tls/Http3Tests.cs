using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

/// <summary>
/// <c>http3</c> cannot be served (no QUIC here): the entry point keeps serving HTTP/1.1 and HTTP/2 and never advertises
/// HTTP/3 with <c>Alt-Svc</c>, which would send clients to a UDP port nobody listens on.
/// </summary>
public sealed class Http3Tests
{
    [Fact]
    public async Task AnEntryPointWithHttp3ServesHttp2OverTlsWithoutAltSvcAsync()
    {
        await using var backend = await Backend.NamedAsync("app");
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              websecure:
                address: "127.0.0.1:0"
                http3:
                  advertisedPort: 443
                http:
                  tls: {}
            """, $$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: app
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        using var client = new TlsClient(portico.Url("websecure"));
        using var response = await client.GetAsync("app.test");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.False(response.Headers.Contains("Alt-Svc"), "Alt-Svc must not advertise HTTP/3");
    }
}
