using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.StripPrefixRegex;

public sealed class StripPrefixRegexTests
{
    public static TheoryData<string, string, string, string, string?> Rows => new()
    {
        { "anchored version segment", "[\"/v[0-9]+\"]", "/v12/users", "/users", "/v12" },
        { "the whole path leaves /", "[\"/api\"]", "/api", "/", "/api" },
        { "an unanchored match that is not a prefix is skipped", "[\"/api\"]", "/x/api/y", "/x/api/y", null },
        { "the next expression is tried", "[\"^/nope\", \"^/[a-z]+/\"]", "/shop/cart", "/cart", "/shop/" },
        { "the expression is trimmed", "[\"  ^/a  \"]", "/a/b", "/b", "/a" },
        { "an empty match does not count", "[\"x*\"]", "/a", "/a", null },
        { "the decoded path is matched", "[\"^/a b\"]", "/a%20b/c", "/c", "/a b" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task StripsTheMatchedPrefixAsync(string scenario, string regexes, string target, string path, string? header)
    {
        var passed = await RewritingHarness.RunAsync($"stripPrefixRegex:\n  regex: {regexes}", RewritingHarness.Request(target));

        Assert.True(path == passed!.Path, $"{scenario}: {passed.Path}");
        Assert.True(header == passed.Headers["X-Forwarded-Prefix"].FirstOrDefault(), scenario);
    }

    [Theory]
    [InlineData("stripPrefixRegex: {}", "stripPrefixRegex needs at least one entry in regex")]
    [InlineData("stripPrefixRegex:\n  regex: [\"/ok\", \"/(?=x)\"]", "regex[1]: invalid regular expression \"/(?=x)\": look-ahead assertions are not supported (Go RE2 syntax)")]
    [InlineData("stripPrefixRegex:\n  regex: [\"/(a\"]", "regex[0]: invalid regular expression")]
    public void BadOptionsAreErrors(string yaml, string expected)
    {
        Assert.Contains(RewritingHarness.Errors(yaml), m => m.Contains(expected, StringComparison.Ordinal));
    }
}
