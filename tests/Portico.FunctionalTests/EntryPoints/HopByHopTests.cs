using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// Hop-by-hop headers and those a peer names in <c>Connection</c> stop at Portico in both directions, and an
/// <c>Upgrade: h2c</c> request reaches the backend as a plain request (a tunnel would bypass routing and middlewares).
/// </summary>
/// <remarks>
/// Kestrel keeps the client's <c>Connection</c> header as sent (it only acts on <c>close</c>, <c>keep-alive</c> and
/// <c>upgrade</c> itself), so the entry point sees every nominated token and strips those headers; what the backend
/// then receives in <c>Connection</c> is written by the forwarder's HTTP client, not copied from the client.
/// </remarks>
public sealed class HopByHopTests
{
    private const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    private static readonly string[] RequestHopByHop = ["Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Trailer", "Upgrade", "HTTP2-Settings", "X-Nominated", "X-Also-Nominated"];

    private static readonly string[] ResponseHopByHop = ["Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Upgrade", "X-Backend-Nominated"];

    [Fact]
    public async Task RequestHopByHopAndNominatedHeadersDoNotReachTheBackendAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static, backend.CatchAllYaml());

        // Keep-alive (the default), so the exchange ends when the one response head has arrived. The Connection header
        // names no token Kestrel knows; see the next test for what happens when it does.
        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync(string.Concat(
            "GET /ok HTTP/1.1\r\nHost: a.test\r\n",
            "Connection: X-Nominated\r\nConnection: x-also-nominated, X-Forwarded-For, X-Real-Ip\r\n",
            "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic eDp5\r\n",
            "TE: trailers, deflate\r\nTrailer: X-Checksum\r\nX-Nominated: secret\r\nX-Also-Nominated: secret\r\nX-Kept: kept\r\n\r\n"));
        var head = await client.ReadHeadsAsync();

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        var seen = Assert.Single(backend.Seen);
        foreach (var name in RequestHopByHop)
        {
            Assert.False(seen.Headers.ContainsKey(name), $"backend received {name}: {seen.Headers.GetValueOrDefault(name)}");
        }

        // TE survives only as "trailers" (gRPC needs it); the proxy's own X-Forwarded-For and X-Real-Ip cannot be nominated away.
        Assert.Equal("trailers", seen.Headers["TE"]);
        Assert.Equal("kept", seen.Headers["X-Kept"]);
        Assert.Equal("127.0.0.1", seen.Headers["X-Forwarded-For"]);
        Assert.Equal("127.0.0.1", seen.Headers["X-Real-Ip"]);
        Assert.DoesNotContain("nominated", seen.Headers.GetValueOrDefault("Connection") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A characterisation of Kestrel (.NET 10): when the client's Connection header contains a token Kestrel acts on
    /// (<c>close</c>, <c>keep-alive</c>, <c>upgrade</c>), the request headers the application sees hold only those
    /// tokens (<c>Connection: X-A, keep-alive</c> arrives as <c>keep-alive</c>), so the other tokens are lost before
    /// Portico runs and the headers they named travel on to the backend. That costs nothing in safety: the dangerous
    /// direction (a client nominating a header the proxy sets, to have it removed) cannot happen, and a header that
    /// passes is one the client could have sent un-nominated anyway. Standard hop-by-hop headers are still removed.
    /// If this test fails, Kestrel has changed and the nominated headers are now stripped, as RFC 9110 §7.6.1 wants.
    /// </summary>
    [Theory]
    [InlineData("close, X-Nominated, X-Forwarded-For")]
    [InlineData("X-Nominated, keep-alive, X-Forwarded-For")]
    public async Task WithATokenKestrelKnowsTheOtherTokensAreLostSoNominatedHeadersPassAsync(string connection)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static, backend.CatchAllYaml());

        using var client = await RawHttpClient.ConnectAsync(portico.Url());
        await client.SendAsync($"GET /ok HTTP/1.1\r\nHost: a.test\r\nConnection: {connection}\r\nKeep-Alive: timeout=5\r\nX-Nominated: secret\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", await client.ReadHeadsAsync(), StringComparison.Ordinal);

        var seen = Assert.Single(backend.Seen);
        Assert.Equal("secret", seen.Headers["X-Nominated"]);
        Assert.False(seen.Headers.ContainsKey("Keep-Alive"));
        Assert.Equal("127.0.0.1", seen.Headers["X-Forwarded-For"]);
    }

    [Fact]
    public async Task ResponseHopByHopAndNominatedHeadersDoNotReachTheClientAsync()
    {
        await using var backend = await RecordingBackend.StartAsync(context =>
        {
            var headers = context.Response.Headers;
            headers.Connection = "X-Backend-Nominated";
            headers["X-Backend-Nominated"] = "secret";
            headers["Keep-Alive"] = "timeout=5";
            headers["Proxy-Connection"] = "keep-alive";
            headers["Proxy-Authenticate"] = "Basic";
            headers["Upgrade"] = "websocket";
            headers["X-Backend-Kept"] = "kept";
        });
        await using var portico = await PorticoHost.StartAsync(Static, backend.CatchAllYaml());

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), "GET /ok HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        Assert.Equal([200], result.Statuses);
        var head = result.Text[..result.Text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var lines = head.Split("\r\n").Skip(1).ToArray();
        foreach (var name in ResponseHopByHop)
        {
            Assert.DoesNotContain(lines, line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
        }

        Assert.Contains("X-Backend-Kept: kept", lines);
        Assert.Equal(["Connection: close"], lines.Where(l => l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task UpgradeToH2cReachesTheBackendAsAPlainRequestAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static, backend.CatchAllYaml());

        var result = await RawHttpClient.ExchangeAsync(
            portico.Url(),
            "GET /ok HTTP/1.1\r\nHost: a.test\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");

        Assert.Equal([200], result.Statuses);
        Assert.DoesNotContain("101", result.Text.Split("\r\n")[0], StringComparison.Ordinal);
        var seen = Assert.Single(backend.Seen);
        Assert.False(seen.Headers.ContainsKey("Upgrade"), "the backend was offered an h2c upgrade");
        Assert.False(seen.Headers.ContainsKey("HTTP2-Settings"), "the backend received HTTP2-Settings");
        Assert.Equal("HTTP/1.1", seen.Protocol);
    }
}
