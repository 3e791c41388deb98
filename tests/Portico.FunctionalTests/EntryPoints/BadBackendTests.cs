using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// A backend that answers garbage, ambiguous lengths or closes mid-body: the client gets a 502, or a response that
/// is visibly cut short (fewer bytes than its Content-Length, or chunks without the final one, and the connection
/// closed, or the connection closed with no response at all), never a complete-looking 200, and never a status
/// written after part of the backend's body.
/// </summary>
public sealed class BadBackendTests
{
    public static TheoryData<string, string> BrokenResponses => new()
    {
        { "garbage instead of a status line", "HELLO WORLD\r\n\r\n" },
        { "status line without a status code", "HTTP/1.1 OK\r\nContent-Length: 2\r\n\r\nok" },
        { "conflicting content-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" },
        { "content-length list with different values", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!" },
        { "non-numeric content-length", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello" },
        { "closes before the content-length is reached", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten.." },
        { "closes in the middle of a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc" },
        { "closes before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n" },
        { "malformed chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n" },
        { "closes in the middle of the headers", "HTTP/1.1 200 OK\r\nContent-Le" },
        { "control character in a header value", "HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\nok" },
        { "escape character in a header value", "HTTP/1.1 200 OK\r\nX-Bad: a\u001bb\r\nContent-Length: 2\r\n\r\nok" },
    };

    [Theory]
    [MemberData(nameof(BrokenResponses))]
    public async Task ABrokenBackendResponseNeverLooksCompleteAsync(string scenario, string response)
    {
        await using var backend = RawBackend.Start(response);
        await using var portico = await PorticoHost.StartAsync(
            """
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """,
            $"""
            http:
              routers:
                all:
                  rule: "PathPrefix(`/`)"
                  service: broken
              services:
                broken:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), "GET /ok HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        Assert.True(result.Closed, $"{scenario}: connection left open; received:\n{result.Text}");
        // No status at all is an aborted response too: the failure came before the head was flushed.
        Assert.True(result.Statuses.Count <= 1, $"{scenario}: more than one response; received:\n{result.Text}");
        if (result.FirstStatus is int status && status != 502)
        {
            Assert.True(status == 200, $"{scenario}: unexpected status {status}; received:\n{result.Text}");
            Assert.DoesNotContain("\0", result.Text, StringComparison.Ordinal);
            Assert.False(LooksComplete(result.Text), $"{scenario}: the client received a complete-looking 200:\n{result.Text}");
        }
    }

    /// <summary>
    /// Responses with one possible reading, which the forwarder's HTTP client normalises and Portico re-frames for the
    /// client: the whole body arrives, framed by Portico.
    /// </summary>
    public static TheoryData<string, string, string> NormalisedResponses => new()
    {
        // scenario, backend response, the framing header the client must receive
        { "plain content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "Content-Length: 5" },
        { "chunked wins over content-length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding: chunked" },
        { "identical repeated content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "Content-Length: 5" },
        { "identical content-length list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", "Content-Length: 5" },
        { "body delimited by close", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello", "Transfer-Encoding: chunked" },
    };

    [Theory]
    [MemberData(nameof(NormalisedResponses))]
    public async Task AnUnambiguousResponseIsForwardedWholeAsync(string scenario, string response, string expectedFraming)
    {
        await using var backend = RawBackend.Start(response);
        await using var portico = await StartPorticoAsync(backend.Url);

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), "GET /ok HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        Assert.True(result.Statuses.SequenceEqual([200]), $"{scenario}: {result.Text}");
        Assert.True(LooksComplete(result.Text), $"{scenario}: {result.Text}");
        var head = result.Text[..result.Text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.False(head.Contains("Content-Length", StringComparison.OrdinalIgnoreCase) && head.Contains("Transfer-Encoding", StringComparison.OrdinalIgnoreCase), $"{scenario}: both framings sent:\n{head}");
        Assert.Contains(expectedFraming, head.Split("\r\n"));
        Assert.Contains("hello", result.Text[head.Length..], StringComparison.Ordinal);
    }

    /// <summary>
    /// A backend that sends a body without any length and then closes has framed it correctly (RFC 9112 §6.3 rule 8),
    /// so the client receives it whole.
    /// </summary>
    [Fact]
    public async Task ABodyDelimitedByCloseIsForwardedWholeAsync()
    {
        await using var backend = RawBackend.Start("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close");
        await using var portico = await StartPorticoAsync(backend.Url);

        using var response = await portico.Client.GetAsync(new Uri(portico.Url(), "/ok"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("until close", await response.Content.ReadAsStringAsync());
    }

    /// <summary>A HEAD response announces the length of the body it does not carry; that length reaches the client.</summary>
    [Fact]
    public async Task HeadResponsesKeepTheirContentLengthAsync()
    {
        await using var backend = await Backend.StartAsync(context =>
        {
            context.Response.ContentLength = 1234;
            return Task.CompletedTask;
        });
        await using var portico = await StartPorticoAsync(backend.Url);

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), "HEAD /ok HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        Assert.Equal([200], result.Statuses);
        Assert.Contains("Content-Length: 1234", result.Text.Split("\r\n"));
        Assert.EndsWith("\r\n\r\n", result.Text, StringComparison.Ordinal);
    }

    /// <summary>Whether an HTTP/1.1 response carries its whole body by its own framing.</summary>
    private static bool LooksComplete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var head = text[..end].Split("\r\n");
        var body = text[(end + 4)..];
        var length = head.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
        {
            return body.Length >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (head.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return body.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
        }

        // Without a length the body ends at the close: a client cannot tell a cut-short body from a whole one.
        return true;
    }

    /// <summary>Portico with one catch-all router to <paramref name="backend"/>.</summary>
    private static Task<PorticoHost> StartPorticoAsync(Uri backend) => PorticoHost.StartAsync(
        """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """,
        $"""
        http:
          routers:
            all:
              rule: "PathPrefix(`/`)"
              service: b
          services:
            b:
              loadBalancer:
                servers:
                  - url: "{backend}"
        """);
}
