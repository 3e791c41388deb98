using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.Redirects;

/// <summary>redirectScheme and redirectRegex through a real listener, with X-Forwarded-Proto from untrusted and trusted peers.</summary>
public sealed class RedirectTests
{
    private static string Dynamic(Uri backend) => $$"""
        http:
          routers:
            scheme:
              rule: "PathPrefix(`/`)"
              service: backend
              middlewares: [to-https]
            regex:
              rule: "PathPrefix(`/old`)"
              service: backend
              middlewares: [moved]
          middlewares:
            to-https:
              redirectScheme:
                scheme: https
                permanent: true
            moved:
              redirectRegex:
                regex: "^http://([^/:]+)(:[0-9]+)?/old/(.*)"
                replacement: "https://${1}/new/$3"
          services:
            backend:
              loadBalancer:
                servers:
                  - url: "{{backend}}"
        """;

    public static TheoryData<string, string, bool, string?, string, int, string?> Rows => new()
    {
        { "http is sent to https", "shop.example.com:8080", false, null, "GET", 301, "https://shop.example.com/a%20b?x=1" },
        { "a POST keeps its method", "shop.example.com", false, null, "POST", 308, "https://shop.example.com/a%20b?x=1" },
        { "an untrusted X-Forwarded-Proto is ignored", "shop.example.com", false, "https", "GET", 301, "https://shop.example.com/a%20b?x=1" },
        { "a trusted X-Forwarded-Proto https is already there", "shop.example.com", true, "https", "GET", 200, null },
        { "a trusted X-Forwarded-Proto https on another port is redirected", "shop.example.com:8443", true, "https", "GET", 301, "https://shop.example.com/a%20b?x=1" },
        { "a trusted X-Forwarded-Proto http is redirected", "shop.example.com", true, "http", "GET", 301, "https://shop.example.com/a%20b?x=1" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task RedirectSchemeAsync(string scenario, string host, bool trusted, string? forwardedProto, string method, int status, string? location)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync($"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                forwardedHeaders:
                  insecure: {(trusted ? "true" : "false")}
            """, Dynamic(backend.Url));

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(portico.Url(), "/a%20b?x=1"));
        request.Headers.Host = host;
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.True(status == (int)response.StatusCode, $"{scenario}: {(int)response.StatusCode}");
        Assert.True(location == response.Headers.Location?.OriginalString, $"{scenario}: {response.Headers.Location}");
        Assert.Equal(status == 200 ? 1 : 0, backend.Seen.Count);
    }

    [Fact]
    public async Task RedirectRegexRewritesTheFullUrlAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, Dynamic(backend.Url));

        using var response = await portico.SendAsync("shop.example.com:8080", "/old/page?id=3");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("https://shop.example.com/new/page?id=3", response.Headers.Location?.OriginalString);
        Assert.Equal("Found", await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
        Assert.Empty(backend.Seen);
    }
}
