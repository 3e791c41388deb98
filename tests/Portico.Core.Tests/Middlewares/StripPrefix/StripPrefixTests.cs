using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.StripPrefix;

public sealed class StripPrefixTests
{
    public static TheoryData<string, string, string, string, string, string?> Rows => new()
    {
        { "exact prefix leaves /", "[\"/api\"]", "/api", "/", "/", "/api" },
        { "prefix before a segment", "[\"/api\"]", "/api/users", "/users", "/users", "/api" },
        { "plain string prefix", "[\"/api\"]", "/apiv2", "/v2", "/v2", "/api" },
        { "trailing slash prefix", "[\"/api/\"]", "/api/users", "/users", "/users", "/api/" },
        { "trailing slash prefix does not match the bare path", "[\"/api/\"]", "/api", "/api", "/api", null },
        { "no match", "[\"/api\"]", "/other", "/other", "/other", null },
        { "first matching prefix wins", "[\"/a\", \"/a/b\"]", "/a/b/c", "/b/c", "/b/c", "/a" },
        { "the escaped path loses the prefix too", "[\"/api\"]", "/api/a%20b%2Fc", "/a b%2Fc", "/a%20b%2Fc", "/api" },
        { "the header value is trimmed", "[\"/a \"]", "/a%20b", "/b", "/b", "/a" },
        { "an empty prefix matches and stops the search (an empty header is not sent)", "[\"\", \"/api\"]", "/api/x", "/api/x", "/api/x", null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task StripsLikeTraefikAsync(string scenario, string prefixes, string target, string path, string escaped, string? header)
    {
        var passed = await RewritingHarness.RunAsync($"stripPrefix:\n  prefixes: {prefixes}", RewritingHarness.Request(target));

        Assert.NotNull(passed);
        Assert.True(path == passed.Path, $"{scenario}: path {passed.Path}");
        Assert.True(escaped == passed.EscapedPath, $"{scenario}: escaped {passed.EscapedPath}");
        Assert.True(header == passed.Headers["X-Forwarded-Prefix"].FirstOrDefault(), scenario);
    }

    [Fact]
    public async Task StackedStripsAllRecordTheirPrefixAsync()
    {
        var context = RewritingHarness.Request("/a/b/c");
        context.Request.Headers["X-Forwarded-Prefix"] = "/outer";

        var passed = await RewritingHarness.RunAsync("stripPrefix:\n  prefixes: [\"/a\"]", context);

        Assert.Equal("/outer,/a", passed!.Headers["X-Forwarded-Prefix"].ToString());
    }

    [Theory]
    [InlineData("stripPrefix: {}", "stripPrefix needs at least one entry in prefixes")]
    [InlineData("stripPrefix:\n  prefixes: [/a]\n  forceSlash: maybe", "forceSlash")]
    public void BadOptionsAreErrors(string yaml, string expected)
    {
        Assert.Contains(RewritingHarness.Errors(yaml), m => m.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeprecatedForceSlashIsAcceptedAsync()
    {
        var passed = await RewritingHarness.RunAsync("stripPrefix:\n  prefixes: [/api]\n  forceSlash: false", RewritingHarness.Request("/api"));

        Assert.Equal("/", passed!.Path);
    }
}
