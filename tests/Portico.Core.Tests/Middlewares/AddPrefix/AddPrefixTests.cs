using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.AddPrefix;

public sealed class AddPrefixTests
{
    [Theory]
    [InlineData("/api", "/users", "/api/users")]
    [InlineData("api", "/users", "/api/users")]
    [InlineData("/api", "/", "/api/")]
    [InlineData("/api/", "/users", "/api//users")]
    [InlineData("/api", "/a%2Fb", "/api/a%2Fb")]
    public async Task JoinsPrefixAndPathAsStringsAsync(string prefix, string target, string expected)
    {
        var passed = await RewritingHarness.RunAsync($"addPrefix:\n  prefix: \"{prefix}\"", RewritingHarness.Request(target));

        Assert.Equal(expected, passed!.Path);
        Assert.Equal(expected, passed.EscapedPath);
    }
}
