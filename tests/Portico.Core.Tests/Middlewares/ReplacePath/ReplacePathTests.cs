using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.ReplacePath;

public sealed class ReplacePathTests
{
    public static TheoryData<string, string, string, string, string, string> Rows => new()
    {
        { "plain", "/new", "/old/path?q=1", "/new", "/new", "/old/path" },
        { "escaped replacement", "/a%20b", "/old", "/a b", "/a%20b", "/old" },
        { "encoded slash kept", "/a%2Fb", "/old", "/a%2Fb", "/a%2Fb", "/old" },
        { "the old path is recorded decoded", "/new", "/o%20ld", "/new", "/new", "/o ld" },
        { "an old encoded slash stays encoded", "/new", "/a%2Fb", "/new", "/new", "/a%2Fb" },
        { "a non-ASCII old path is recorded escaped", "/new", "/caf%C3%A9", "/new", "/new", "/caf%C3%A9" },
        { "empty path", "", "/old", "/", "/", "/old" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task ReplacesThePathAndRecordsTheOldOneAsync(string scenario, string replacement, string target, string path, string escaped, string header)
    {
        var context = RewritingHarness.Request(target);
        var passed = await RewritingHarness.RunAsync($"replacePath:\n  path: \"{replacement}\"", context);

        Assert.True(path == passed!.Path, $"{scenario}: {passed.Path}");
        Assert.True(escaped == passed.EscapedPath, $"{scenario}: {passed.EscapedPath}");
        Assert.True(header == passed.Headers["X-Replaced-Path"].ToString(), scenario);
        Assert.Equal(context.Request.QueryString.Value, target.Contains('?', StringComparison.Ordinal) ? "?q=1" : string.Empty);
    }

    [Theory]
    [InlineData("replacePath:\n  path: \"/a%zz\"", "replacePath: path \"/a%zz\" has a malformed %-escape")]
    [InlineData("replacePath:\n  path: \"relative\"", "must start with '/'")]
    [InlineData("replacePath:\n  paht: /x", "unknown key")]
    public void BadOptionsAreErrors(string yaml, string expected)
    {
        Assert.Contains(RewritingHarness.Errors(yaml), m => m.Contains(expected, StringComparison.Ordinal));
    }
}
