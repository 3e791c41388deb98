using System.Security.Cryptography;
using System.Text;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.DigestAuth;

/// <summary>digestAuth through a real listener, spoken to by curl --digest (a real RFC 2617 client).</summary>
public sealed class DigestAuthTests
{
    public static TheoryData<string, string, string> Attempts => new()
    {
        { "right password", "alice:wonderland", "200 ok" },
        { "wrong password", "alice:looking-glass", "401 401 Unauthorized\n" },
        { "unknown user", "mallory:wonderland", "401 401 Unauthorized\n" },
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task CurlDigestAuthenticatesAsync(string scenario, string credentials, string expected)
    {
        await using var backend = await RecordingBackend.StartAsync();
        var ha1 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("alice:traefik:wonderland")));
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: backend
                  middlewares: [auth]
              middlewares:
                auth:
                  digestAuth:
                    users: ["alice:traefik:{ha1}"]
                    headerField: X-WebAuth-User
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        var output = await Curl.RunAsync("--digest", "-u", credentials, "-w", "%{http_code} ", "-o", "-", new Uri(portico.Url(), "/dir/index.html?a=1").ToString());

        // curl prints the body before -w's output; put the status first for a readable comparison.
        var status = output[^4..^1];
        Assert.True(expected == status + " " + output[..^4], $"{scenario}: {output}");
        if (expected.StartsWith("200", StringComparison.Ordinal))
        {
            Assert.Equal("alice", backend.Seen.Single().Headers["X-WebAuth-User"]);
            Assert.Equal("/dir/index.html?a=1", backend.Seen.Single().RawTarget);
        }
        else
        {
            Assert.Empty(backend.Seen);
        }
    }
}
