using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.ReplacePathRegex;

public sealed class ReplacePathRegexTests
{
    public static TheoryData<string, string, string, string, string, string?> Rows => new()
    {
        { "group reference", "^/foo/(.*)", "/bar/$1", "/foo/a/b", "/bar/a/b", "/foo/a/b" },
        { "no match leaves everything", "^/foo/(.*)", "/bar/$1", "/other", "/other", null },
        { "the escaped path is matched and recorded", "^/a%20b/(.*)", "/c/$1", "/a%20b/x", "/c/x", "/a%20b/x" },
        { "an encoded slash is matched as sent", "^/a%2Fb$", "/ok", "/a%2Fb", "/ok", "/a%2Fb" },
        { "the replacement may escape", "^/(.*)", "/x%20$1", "/y", "/x y", "/y" },
        { "a result without leading slash gets one", "^/foo/(.*)", "$1", "/foo/bar", "/bar", "/foo/bar" },
        { "the replacement is trimmed", "^/a", "  /b  ", "/a", "/b", "/a" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task RewritesTheEscapedPathAsync(string scenario, string regex, string replacement, string target, string path, string? header)
    {
        var passed = await RewritingHarness.RunAsync($"replacePathRegex:\n  regex: \"{regex}\"\n  replacement: \"{replacement}\"", RewritingHarness.Request(target));

        Assert.True(path == passed!.Path, $"{scenario}: {passed.Path}");
        Assert.True(header == passed.Headers["X-Replaced-Path"].FirstOrDefault(), scenario);
    }

    [Fact]
    public async Task AResultWithAMalformedEscapeIsAnswered500Async()
    {
        var context = RewritingHarness.Request("/a");
        var passed = await RewritingHarness.RunAsync("replacePathRegex:\n  regex: \"^/a\"\n  replacement: \"/%zz\"", context);

        Assert.Null(passed);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Contains("invalid URL escape", RewritingHarness.Body(context), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replacePathRegex:\n  replacement: /x\n  regex: \"(?<!a)b\"", "replacePathRegex: regex: invalid regular expression \"(?<!a)b\": look-behind assertions are not supported")]
    [InlineData("replacePathRegex:\n  regex: \"a++\"", "possessive quantifiers are not supported")]
    public void BadOptionsAreErrors(string yaml, string expected)
    {
        Assert.Contains(RewritingHarness.Errors(yaml), m => m.Contains(expected, StringComparison.Ordinal));
    }
}
