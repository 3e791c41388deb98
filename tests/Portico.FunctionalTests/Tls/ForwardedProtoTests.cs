using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

/// <summary>On a port serving both, the backend learns from X-Forwarded-Proto how each request really arrived.</summary>
public sealed class ForwardedProtoTests
{
    [Theory]
    [InlineData("TLS (h2 by ALPN)", "tls", "https")]
    [InlineData("cleartext HTTP/1.1", "http1", "http")]
    [InlineData("h2c with prior knowledge", "h2c", "http")]
    public async Task XForwardedProtoFollowsTheTransportAsync(string row, string transport, string expected)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $$"""
            http:
              routers:
                secure:
                  rule: "PathPrefix(`/`)"
                  service: backend
                  tls: {}
                plain:
                  rule: "PathPrefix(`/`)"
                  service: backend
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        if (transport == "tls")
        {
            using var client = new TlsClient(portico.Url());
            using var response = await client.GetAsync("app.test");
        }
        else
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, portico.Url())
            {
                Version = transport == "h2c" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        }

        var seen = Assert.Single(backend.Seen);
        Assert.True(expected == seen.Headers["X-Forwarded-Proto"], $"{row}: {seen.Headers["X-Forwarded-Proto"]}");
    }
}
