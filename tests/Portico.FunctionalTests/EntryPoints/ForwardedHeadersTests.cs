using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// <c>forwardedHeaders.trustedIPs</c> / <c>insecure</c> end to end: the test client is 127.0.0.1, so it is trusted or
/// not depending on the row. An untrusted client's X-Forwarded-* and X-Real-Ip are replaced by what Portico knows; a
/// trusted client's are kept and its address is appended to X-Forwarded-For.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Spoofed =
        "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: spoofed.test\r\n" +
        "X-Forwarded-Port: 8443\r\nX-Forwarded-Server: spoofed\r\nX-Real-Ip: 203.0.113.9\r\n";

    public static TheoryData<string, string, bool> Policies => new()
    {
        { "no trusted IPs", "{}", false },
        { "another network trusted", "{ trustedIPs: [\"10.0.0.0/8\", \"::1/128\"] }", false },
        { "the client address trusted", "{ trustedIPs: [\"127.0.0.1\"] }", true },
        { "the client network trusted", "{ trustedIPs: [\"127.0.0.0/8\"] }", true },
        { "insecure", "{ insecure: true }", true },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task ForwardedHeadersFollowTheTrustPolicyAsync(string scenario, string policy, bool trusted)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(
            $"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                forwardedHeaders: {policy}
            """,
            backend.CatchAllYaml());

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), $"GET /ok HTTP/1.1\r\nHost: a.test:9090\r\n{Spoofed}Connection: close\r\n\r\n");

        Assert.True(result.Statuses.SequenceEqual([200]), $"{scenario}: {result.Text}");
        var headers = Assert.Single(backend.Seen).Headers;
        if (trusted)
        {
            Assert.Equal("203.0.113.7, 127.0.0.1", headers["X-Forwarded-For"]);
            Assert.Equal("https", headers["X-Forwarded-Proto"]);
            Assert.Equal("spoofed.test", headers["X-Forwarded-Host"]);
            Assert.Equal("8443", headers["X-Forwarded-Port"]);
            Assert.Equal("203.0.113.9", headers["X-Real-Ip"]);
        }
        else
        {
            Assert.Equal("127.0.0.1", headers["X-Forwarded-For"]);
            Assert.Equal("http", headers["X-Forwarded-Proto"]);
            Assert.Equal("a.test:9090", headers["X-Forwarded-Host"]);
            Assert.Equal("9090", headers["X-Forwarded-Port"]);
            Assert.Equal("127.0.0.1", headers["X-Real-Ip"]);
        }

        // X-Forwarded-Server is always this proxy's name, whoever the client is.
        Assert.Equal(Environment.MachineName, headers["X-Forwarded-Server"]);
    }

    [Theory]
    [InlineData("a.test", "80")]
    [InlineData("a.test:8080", "8080")]
    [InlineData("[::1]:8443", "8443")]
    public async Task ForwardedPortComesFromTheHostHeaderAsync(string host, string expectedPort)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"", backend.CatchAllYaml());

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), $"GET /ok HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");

        Assert.Equal([200], result.Statuses);
        var headers = Assert.Single(backend.Seen).Headers;
        Assert.Equal(expectedPort, headers["X-Forwarded-Port"]);
        Assert.Equal(host, headers["X-Forwarded-Host"]);
        Assert.Equal(host, headers["Host"]);
    }

    /// <summary>HTTP/1.1 and h2c (prior knowledge) on the same port both reach the backend, with the same forwarded headers.</summary>
    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task Http11AndH2cShareThePortAsync(string version)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"", backend.CatchAllYaml());
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), "/ok"))
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(backend.Seen);
        Assert.Equal("http", seen.Headers["X-Forwarded-Proto"]);
        Assert.Equal("127.0.0.1", seen.Headers["X-Forwarded-For"]);
        Assert.Equal(portico.Url().Authority, seen.Headers["X-Forwarded-Host"]);
    }
}
