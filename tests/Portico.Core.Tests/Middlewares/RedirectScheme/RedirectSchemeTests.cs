using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.RedirectScheme;

public sealed class RedirectSchemeTests
{
    // options, request (host, tls, X-Forwarded-Proto, method), expected status (0 = passed on) and Location.
    public static TheoryData<string, string, string, bool, string?, string, int, string?> Rows => new()
    {
        { "http to https", "scheme: https", "example.com", false, null, "GET", 302, "https://example.com/p/a%20b?q=1" },
        { "permanent", "scheme: https\n  permanent: true", "example.com", false, null, "GET", 301, "https://example.com/p/a%20b?q=1" },
        { "POST keeps its method", "scheme: https", "example.com", false, null, "POST", 307, "https://example.com/p/a%20b?q=1" },
        { "permanent POST", "scheme: https\n  permanent: true", "example.com", false, null, "POST", 308, "https://example.com/p/a%20b?q=1" },
        { "HEAD is not GET", "scheme: https", "example.com", false, null, "HEAD", 307, "https://example.com/p/a%20b?q=1" },
        { "the request port is replaced", "scheme: https", "example.com:8080", false, null, "GET", 302, "https://example.com/p/a%20b?q=1" },
        { "the configured port is added", "scheme: https\n  port: \"8443\"", "example.com:8080", false, null, "GET", 302, "https://example.com:8443/p/a%20b?q=1" },
        { "a default port is left out", "scheme: https\n  port: \"443\"", "example.com", false, null, "GET", 302, "https://example.com/p/a%20b?q=1" },
        { "already https: no loop", "scheme: https", "example.com", true, null, "GET", 0, null },
        { "already https on 443: no loop", "scheme: https", "example.com:443", true, null, "GET", 0, null },
        { "https on another port is redirected", "scheme: https", "example.com:8443", true, null, "GET", 302, "https://example.com/p/a%20b?q=1" },
        { "already on the configured port: no loop", "scheme: https\n  port: \"8443\"", "example.com:8443", true, null, "GET", 0, null },
        { "X-Forwarded-Proto https counts as https", "scheme: https", "example.com", false, "https", "GET", 0, null },
        { "X-Forwarded-Proto wss counts as https", "scheme: https", "example.com", false, "wss", "GET", 0, null },
        { "X-Forwarded-Proto http over TLS counts as http", "scheme: https", "example.com", true, "http", "GET", 302, "https://example.com/p/a%20b?q=1" },
        { "an unknown X-Forwarded-Proto is ignored", "scheme: https", "example.com", true, "ftp", "GET", 0, null },
        { "https to http", "scheme: http", "example.com", true, null, "GET", 302, "http://example.com/p/a%20b?q=1" },
        { "IPv6 host keeps its brackets", "scheme: https", "[::1]:8080", false, null, "GET", 302, "https://[::1]/p/a%20b?q=1" },
        { "scheme compared ignoring case", "scheme: HTTPS", "example.com", true, null, "GET", 0, null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task RedirectsLikeTraefikAsync(string scenario, string options, string host, bool tls, string? forwardedProto, string method, int status, string? location)
    {
        var context = RewritingHarness.Request("/p/a%20b?q=1", host, tls, method);
        if (forwardedProto is not null)
        {
            context.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
        }

        var passed = await RewritingHarness.RunAsync($"redirectScheme:\n  {options}", context);

        if (status == 0)
        {
            Assert.True(passed is not null, $"{scenario}: redirected to {context.Response.Headers.Location}");
            return;
        }

        Assert.True(passed is null, $"{scenario}: passed on");
        Assert.True(status == context.Response.StatusCode, $"{scenario}: {context.Response.StatusCode}");
        Assert.True(location == context.Response.Headers.Location.ToString(), $"{scenario}: {context.Response.Headers.Location}");
        Assert.Equal("text/plain; charset=utf-8", context.Response.ContentType);
    }

    [Fact]
    public async Task TheBodyIsTheStatusTextAsync()
    {
        var context = RewritingHarness.Request("/", "example.com");
        await RewritingHarness.RunAsync("redirectScheme:\n  scheme: https\n  permanent: true", context);

        Assert.Equal("Moved Permanently", RewritingHarness.Body(context));
    }

    [Theory]
    [InlineData("redirectScheme:\n  permanent: true", "redirectScheme needs a target scheme")]
    [InlineData("redirectScheme:\n  scheme: https\n  port: abc", "port \"abc\" is not a port number")]
    [InlineData("redirectScheme:\n  scheme: https\n  port: \"70000\"", "port \"70000\" is not a port number")]
    public void BadOptionsAreErrors(string yaml, string expected)
    {
        Assert.Contains(RewritingHarness.Errors(yaml), m => m.Contains(expected, StringComparison.Ordinal));
    }
}
