using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary><c>http.underscoreHeadersStrategy</c> and <c>http.encodeQuerySemicolons</c> at the entry point.</summary>
public sealed class RequestScreeningTests
{
    private const string Request = "GET /ok?a=1;b=2 HTTP/1.1\r\nHost: a.test\r\nX_Auth_User: admin\r\nX-Auth-User: alice\r\nConnection: close\r\n\r\n";

    [Theory]
    [InlineData("keep", 200, true)]
    [InlineData("delete", 200, false)]
    [InlineData("reject", 400, false)]
    public async Task UnderscoreHeadersStrategyAsync(string strategy, int expectedStatus, bool underscoreReachesBackend)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, $"underscoreHeadersStrategy: {strategy}");

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), Request);

        Assert.Equal([expectedStatus], result.Statuses);
        if (expectedStatus != 200)
        {
            Assert.True(result.Closed);
            Assert.Empty(backend.Seen);
            return;
        }

        var headers = Assert.Single(backend.Seen).Headers;
        Assert.Equal(underscoreReachesBackend, headers.ContainsKey("X_Auth_User"));
        Assert.Equal("alice", headers["X-Auth-User"]);
    }

    [Theory]
    [InlineData(false, "/ok?a=1;b=2")]
    [InlineData(true, "/ok?a=1%3Bb=2")]
    public async Task EncodeQuerySemicolonsAsync(bool encode, string expectedTarget)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, $"encodeQuerySemicolons: {(encode ? "true" : "false")}");

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), Request);

        Assert.Equal([200], result.Statuses);
        Assert.Equal(expectedTarget, Assert.Single(backend.Seen).RawTarget);
    }

    /// <summary>A reverse proxy is no tunnel: CONNECT never reaches a backend (405, as nginx answers).</summary>
    [Theory]
    [InlineData("CONNECT evil.test:443 HTTP/1.1\r\nHost: evil.test:443\r\n\r\n")]
    [InlineData("CONNECT evil.test:443 HTTP/1.1\r\nHost: evil.test:443\r\nConnection: close\r\n\r\n")]
    public async Task ConnectIsRefusedAsync(string request)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await StartAsync(backend, "sanitizePath: true");

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), request);

        Assert.True(result.Closed);
        Assert.Equal([405], result.Statuses);
        Assert.Empty(backend.Seen);
    }

    private static Task<PorticoHost> StartAsync(RecordingBackend backend, string http) => PorticoHost.StartAsync(
        $"""
        entryPoints:
          web:
            address: "127.0.0.1:0"
            http:
              {http}
        """,
        backend.CatchAllYaml());
}
