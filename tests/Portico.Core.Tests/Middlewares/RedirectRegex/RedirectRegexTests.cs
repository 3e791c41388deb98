using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.RedirectRegex;

public sealed class RedirectRegexTests
{
    public static TheoryData<string, string, string, string, bool, string, int, string?> Rows => new()
    {
        { "host rewrite", "^http://localhost/(.*)", "http://mydomain/${1}", "localhost", false, "/a/b?x=1", 302, "http://mydomain/a/b?x=1" },
        { "the port of the Host header is in the URL", "^http://localhost:8080/(.*)", "https://example.com/$1", "localhost:8080", false, "/a", 302, "https://example.com/a" },
        { "TLS makes the scheme https", "^https://([^/]+)/old/(.*)", "https://$1/new/$2", "example.com", true, "/old/x", 302, "https://example.com/new/x" },
        { "the escaped path and raw query are matched", @"^http://h/a%20b\?q=%2F$", "http://h/ok", "h", false, "/a%20b?q=%2F", 302, "http://h/ok" },
        { "no match passes on", "^http://other/", "http://x/", "localhost", false, "/a", 0, null },
        { "a replacement giving the same URL passes on", "^(http://localhost/.*)", "$1", "localhost", false, "/a", 0, null },
        { "$1x is the empty group 1x", "^http://localhost/(.*)", "http://h/$1x", "localhost", false, "/a", 302, "http://h/" },
        { "a space in the result is escaped", "^http://localhost/(.*)", "http://h/a b/$1", "localhost", false, "/x", 302, "http://h/a%20b/x" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task RedirectsLikeTraefikAsync(string scenario, string regex, string replacement, string host, bool tls, string target, int status, string? location)
    {
        var context = RewritingHarness.Request(target, host, tls);
        var passed = await RewritingHarness.RunAsync($"redirectRegex:\n  regex: '{regex}'\n  replacement: '{replacement}'", context);

        if (status == 0)
        {
            Assert.True(passed is not null, $"{scenario}: redirected to {context.Response.Headers.Location}");
            return;
        }

        Assert.True(passed is null, $"{scenario}: passed on");
        Assert.True(status == context.Response.StatusCode, $"{scenario}: {context.Response.StatusCode}");
        Assert.True(location == context.Response.Headers.Location.ToString(), $"{scenario}: {context.Response.Headers.Location}");
    }

    [Theory]
    [InlineData("GET", false, 302)]
    [InlineData("POST", false, 307)]
    [InlineData("GET", true, 301)]
    [InlineData("PUT", true, 308)]
    public async Task StatusFollowsMethodAndPermanenceAsync(string method, bool permanent, int status)
    {
        var context = RewritingHarness.Request("/a", "localhost", method: method);
        await RewritingHarness.RunAsync($"redirectRegex:\n  regex: '^http://localhost/(.*)'\n  replacement: 'http://h/$1'\n  permanent: {(permanent ? "true" : "false")}", context);

        Assert.Equal(status, context.Response.StatusCode);
    }

    [Fact]
    public async Task AnUnparsableResultIsAnswered500Async()
    {
        var context = RewritingHarness.Request("/a", "localhost");
        var passed = await RewritingHarness.RunAsync("redirectRegex:\n  regex: '^http://localhost/(.*)'\n  replacement: 'http://h/%zz'", context);

        Assert.Null(passed);
        Assert.Equal(500, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("redirectRegex:\n  regex: '(a)\\1'\n  replacement: x", "redirectRegex: regex: invalid regular expression \"(a)\\1\"")]
    [InlineData("redirectRegex:\n  regex: '[a'\n  replacement: x", "missing closing ]")]
    public void BadOptionsAreErrors(string yaml, string expected)
    {
        Assert.Contains(RewritingHarness.Errors(yaml), m => m.Contains(expected, StringComparison.Ordinal));
    }
}
