using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// Malformed request lines and headers sent on a raw socket: each gets the right 4xx from the entry point, the
/// connection is closed, and nothing reaches the backend. The statuses are Kestrel's, which Portico keeps:
/// 431 for headers beyond <c>http.maxHeaderBytes</c>, 414 for a request line beyond the line limit, 505 for an
/// unknown HTTP version, 400 for the rest.
/// </summary>
public sealed class HeaderValidationTests : IAsyncLifetime
{
    private RecordingBackend _backend = null!;
    private PorticoHost _portico = null!;

    public static TheoryData<string, string, int> Malformed => new()
    {
        { "missing Host on HTTP/1.1", "GET /ok HTTP/1.1\r\n\r\n", 400 },
        { "two Host headers", "GET /ok HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400 },
        { "space in Host", "GET /ok HTTP/1.1\r\nHost: a b.test\r\n\r\n", 400 },
        { "slash in Host", "GET /ok HTTP/1.1\r\nHost: a.test/evil\r\n\r\n", 400 },
        { "userinfo in Host", "GET /ok HTTP/1.1\r\nHost: user@a.test\r\n\r\n", 400 },
        { "non-numeric port in Host", "GET /ok HTTP/1.1\r\nHost: a.test:http\r\n\r\n", 400 },
        { "absolute target disagreeing with Host", "GET http://b.test/ok HTTP/1.1\r\nHost: a.test\r\n\r\n", 400 },
        { "NUL in a header value", "GET /ok HTTP/1.1\r\nHost: a.test\r\nX-Value: a\0b\r\n\r\n", 400 },
        { "bare CR in a header value", "GET /ok HTTP/1.1\r\nHost: a.test\r\nX-Value: a\rX-Injected: b\r\n\r\n", 400 },
        { "NUL in the request target", "GET /o\0k HTTP/1.1\r\nHost: a.test\r\n\r\n", 400 },
        { "space in the request target", "GET /o k HTTP/1.1\r\nHost: a.test\r\n\r\n", 400 },
        { "non-ASCII header name", "GET /ok HTTP/1.1\r\nHost: a.test\r\nX-\u00c4rger: 1\r\n\r\n", 400 },
        { "space inside a header name", "GET /ok HTTP/1.1\r\nHost: a.test\r\nX Value: 1\r\n\r\n", 400 },
        { "empty header name", "GET /ok HTTP/1.1\r\nHost: a.test\r\n: value\r\n\r\n", 400 },
        { "header line without a colon", "GET /ok HTTP/1.1\r\nHost: a.test\r\nX-Value\r\n\r\n", 400 },
        { "invalid method token", "G(T /ok HTTP/1.1\r\nHost: a.test\r\n\r\n", 400 },
        { "unknown HTTP version", "GET /ok HTTP/1.2\r\nHost: a.test\r\n\r\n", 505 },
        { "headers beyond maxHeaderBytes", $"GET /ok HTTP/1.1\r\nHost: a.test\r\nX-Big: {new string('a', 8000)}\r\n\r\n", 431 },
        { "many headers beyond maxHeaderBytes", $"GET /ok HTTP/1.1\r\nHost: a.test\r\n{string.Concat(Enumerable.Range(0, 400).Select(i => $"X-H{i}: {i}\r\n"))}\r\n", 431 },
        { "request line beyond the line limit", $"GET /{new string('a', 9000)} HTTP/1.1\r\nHost: a.test\r\n\r\n", 414 },
    };

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _portico = await PorticoHost.StartAsync(
            """
            entryPoints:
              web:
                address: "127.0.0.1:0"
                http:
                  maxHeaderBytes: 4096
            """,
            _backend.CatchAllYaml());
    }

    public async Task DisposeAsync()
    {
        await _portico.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task MalformedRequestIsRejectedAndClosedAsync(string scenario, string request, int expectedStatus)
    {
        var result = await RawHttpClient.ExchangeAsync(_portico.Url(), request);

        Assert.True(result.Closed, $"{scenario}: connection left open; received:\n{result.Text}");
        Assert.Equal([expectedStatus], result.Statuses);
        Assert.Empty(_backend.Seen);
    }

    [Fact]
    public async Task HeadersJustUnderMaxHeaderBytesAreAcceptedAsync()
    {
        var result = await RawHttpClient.ExchangeAsync(_portico.Url(), $"GET /ok HTTP/1.1\r\nHost: a.test\r\nX-Big: {new string('a', 3000)}\r\nConnection: close\r\n\r\n");

        Assert.Equal([200], result.Statuses);
        Assert.Equal(3000, Assert.Single(_backend.Seen).Headers["X-Big"].Length);
    }

    /// <summary>
    /// RFC 9112 §2.2 lets a recipient accept a bare LF as a line terminator, and Kestrel does. A LF inside what a
    /// client meant as one value therefore ends that header; what follows is parsed as a header of its own. That is
    /// one reading, and Portico re-serialises every header to the backend with CRLF, so the backend reads the same.
    /// </summary>
    [Fact]
    public async Task BareLineFeedEndsAHeaderAndTheBackendSeesTheSameAsync()
    {
        var result = await RawHttpClient.ExchangeAsync(_portico.Url(), "GET /ok HTTP/1.1\nHost: a.test\nX-Value: a\nX-Second: b\nConnection: close\n\n");

        Assert.Equal([200], result.Statuses);
        var seen = Assert.Single(_backend.Seen);
        Assert.Equal("a", seen.Headers["X-Value"]);
        Assert.Equal("b", seen.Headers["X-Second"]);
    }
}
