using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// Ambiguous request framing sent on a raw socket through a real entry point to a recording Kestrel backend. Each
/// attack is followed, on the same connection, by a well-formed <c>GET /after</c> with <c>Connection: close</c>, so
/// the exchange always ends deterministically: either the entry point rejected the attack with 400 and closed (the
/// follow-up is never read), or it framed the attack one way and served the follow-up as the next request. In no
/// case may the backend see a request hidden in a body (<c>/smuggled</c>).
/// </summary>
public sealed class RequestFramingTests : IAsyncLifetime
{
    private const string After = "GET /after HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n";
    private const string Smuggled = "GET /smuggled HTTP/1.1\r\nHost: a.test\r\n\r\n";

    private RecordingBackend _backend = null!;
    private PorticoHost _portico = null!;

    public static TheoryData<string, string> Rejected => new()
    {
        { "identical repeated content-length", "POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nbody" },
        { "conflicting content-lengths", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n{Smuggled}" },
        { "content-length list", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0, 40\r\n\r\n{Smuggled}" },
        { "negative content-length", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: -1\r\n\r\n{Smuggled}" },
        { "hex content-length", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0x4\r\n\r\nbody" },
        { "content-length with inner space", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4 0\r\n\r\nbody" },
        { "overflowing content-length", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: 99999999999999999999999\r\n\r\nbody" },
        { "non-hex chunk size", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbody\r\n0\r\n\r\n" },
        { "negative chunk size", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nbody\r\n0\r\n\r\n" },
        { "overflowing chunk size", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\nbody\r\n0\r\n\r\n" },
        { "chunk size with 0x prefix", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n0x4\r\nbody\r\n0\r\n\r\n" },
        { "chunk data longer than its size", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nbody\r\n0\r\n\r\n" },
        { "bare LF in chunk extension", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n4;x\nbody\r\n0\r\n\r\n" },
        { "chunked is not the final coding", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n4\r\nbody\r\n0\r\n\r\n{Smuggled}" },
        { "unknown transfer coding", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: xchunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n{Smuggled}" },
        { "space before the colon", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\nbody" },
        { "transfer-encoding folded onto a second line", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: identity\r\n\tchunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n" },
        { "transfer-encoding on HTTP/1.0", $"POST /ok HTTP/1.0\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n{Smuggled}" },
        { "header line starting with whitespace", $"POST /ok HTTP/1.1\r\nHost: a.test\r\n Transfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n" },
    };

    public static TheoryData<string, string, string> Normalised => new()
    {
        // Each of these has exactly one reading; the backend must receive exactly that body and then the follow-up.
        { "a request hidden in a content-length body", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: {Smuggled.Length}\r\n\r\n{Smuggled}", Smuggled },
        { "a request hidden in a chunked body", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n{Smuggled.Length:x}\r\n{Smuggled}\r\n0\r\n\r\n", Smuggled },
        { "tab before chunked (valid whitespace)", "POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding:\tchunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n", "body" },
        { "upper-case CHUNKED", "POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: CHUNKED\r\n\r\n4\r\nbody\r\n0\r\n\r\n", "body" },
        { "chunk extensions are dropped", "POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n4;name=value;other=\"q\"\r\nbody\r\n0\r\n\r\n", "body" },
        { "chunked with trailers", "POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\nX-Trailer: t\r\n\r\n", "body" },

        // Kestrel's length parser accepts a leading '+', where nginx and HAProxy answer 400. There is still one reading:
        // the backend receives "Content-Length: 4" (or chunks) from the forwarder, never the client's spelling.
        { "signed content-length", "POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: +4\r\n\r\nbody", "body" },
    };

    /// <summary>
    /// Content-Length with Transfer-Encoding. RFC 9112 §6.1 lets a server either reject it or read the body as chunked
    /// and close the connection afterwards; Kestrel does the latter (as HAProxy does; nginx answers 400) and renames
    /// the client's Content-Length to X-Content-Length. So exactly one request, framed by its chunks, reaches the
    /// backend, and whatever followed on the connection (the hidden request and the follow-up) is never read.
    /// </summary>
    public static TheoryData<string, string> TransferEncodingWins => new()
    {
        { "content-length then transfer-encoding", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{Smuggled}" },
        { "transfer-encoding then content-length", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n{Smuggled}" },
    };

    /// <summary>
    /// Codings other than a single <c>chunked</c>. Kestrel strips the chunked framing and would pass the rest on as if
    /// it were the body (a gzip body unannounced, or chunks applied twice read once); Go and nginx answer 501, so does
    /// Portico (<c>RequestScreening</c>), and closes the connection.
    /// </summary>
    public static TheoryData<string, string> UnsupportedCodings => new()
    {
        { "gzip before chunked", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n{Smuggled}" },
        { "chunked twice in one header", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked, chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n{Smuggled}" },
        { "two transfer-encoding headers", $"POST /ok HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n{Smuggled}" },
    };

    public async Task InitializeAsync()
    {
        _backend = await RecordingBackend.StartAsync();
        _portico = await PorticoHost.StartAsync(
            """
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """,
            _backend.CatchAllYaml());
    }

    public async Task DisposeAsync()
    {
        await _portico.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task AmbiguousFramingIsRejectedWith400AndTheConnectionClosedAsync(string scenario, string attack)
    {
        var result = await RawHttpClient.ExchangeAsync(_portico.Url(), attack + After);

        Assert.True(result.Closed, $"{scenario}: connection left open; received:\n{result.Text}");
        Assert.Equal([400], result.Statuses);
        Assert.Empty(_backend.Seen);
    }

    [Theory]
    [MemberData(nameof(Normalised))]
    public async Task UnambiguousFramingReachesTheBackendAsExactlyOneRequestAsync(string scenario, string request, string expectedBody)
    {
        var result = await RawHttpClient.ExchangeAsync(_portico.Url(), request + After);

        Assert.True(result.Closed, $"{scenario}: connection left open; received:\n{result.Text}");
        Assert.Equal([200, 200], result.Statuses);
        var seen = _backend.Seen;
        Assert.Equal(["/ok", "/after"], seen.Select(s => s.Path));
        Assert.Equal(expectedBody, seen[0].Body);
        Assert.DoesNotContain(seen, s => s.Path == "/smuggled");
    }

    [Theory]
    [MemberData(nameof(TransferEncodingWins))]
    public async Task TransferEncodingOverridesContentLengthAndTheConnectionClosesAsync(string scenario, string attack)
    {
        var result = await RawHttpClient.ExchangeAsync(_portico.Url(), attack + After);

        Assert.True(result.Closed, $"{scenario}: connection left open; received:\n{result.Text}");
        Assert.Equal([200], result.Statuses);
        var seen = Assert.Single(_backend.Seen);
        Assert.Equal("/ok", seen.Path);
        Assert.Equal(string.Empty, seen.Body);
        Assert.False(seen.Headers.ContainsKey("Content-Length"), "the client's Content-Length must not reach the backend");
    }

    [Theory]
    [MemberData(nameof(UnsupportedCodings))]
    public async Task UnsupportedTransferCodingsAre501AndTheConnectionClosesAsync(string scenario, string attack)
    {
        var result = await RawHttpClient.ExchangeAsync(_portico.Url(), attack + After);

        Assert.True(result.Closed, $"{scenario}: connection left open; received:\n{result.Text}");
        Assert.Equal([501], result.Statuses);
        Assert.Empty(_backend.Seen);
    }
}
