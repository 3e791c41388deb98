using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;
using Portico.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.Rewriting;

public sealed class GoReplacementTests
{
    public static TheoryData<string, string, string, string, string> Replacements => new()
    {
        { "numbered group", "^/a/(.*)", "/b/$1", "/a/x/y", "/b/x/y" },
        { "braced group", "^/a/(.*)", "/b/${1}x", "/a/x", "/b/xx" },
        { "$1x is the group named 1x, which does not exist", "^/a/(.*)", "/b/$1x", "/a/x", "/b/" },
        { "$$ is a dollar", "^/a/(.*)", "/$$1/$1", "/a/x", "/$1/x" },
        { "a lone $ is kept", "^/a/(.*)", "/b$/$1", "/a/x", "/b$/x" },
        { "an unclosed brace keeps the $", "^/a/(.*)", "/${1", "/a/x", "/${1" },
        { "a missing group is empty", "^/a/(.*)", "/$7/$1", "/a/x", "//x" },
        { "leading zeros make a name, not a number", "^/a/(.*)", "/$01", "/a/x", "/" },
        { "$0 is the whole match", "^/a", "[$0]", "/a/x", "[/a]/x" },
        { "named groups by name", "^/(?P<first>[a-z]+)/(?<second>[a-z]+)", "/$second/${first}", "/ab/cd", "/cd/ab" },
        { "Go numbers named and unnamed groups left to right", "^/(?P<n>[a-z]+)/([a-z]+)", "/$2/$1", "/ab/cd", "/cd/ab" },
        { "groups inside classes and escapes do not count", @"^/[(]\((x)", "$1", "/((x", "x" },
        { "an unmatched optional group is empty", "^/a(/b)?(/c)", "$1|$2", "/a/c", "|/c" },
        { "every match is replaced", "o", "0", "/foo/boo", "/f00/b00" },
        { "no match leaves the input", "^/z", "/y", "/a", "/a" },
        { "empty matches right after a match are skipped, as in Go", "a*", "-", "baaac", "-b-c-" },
    };

    [Theory]
    [MemberData(nameof(Replacements))]
    public void ReplacesLikeGoReplaceAllString(string scenario, string pattern, string template, string input, string expected)
    {
        var errors = new List<ConfigError>();
        var context = new MiddlewareContext { Name = "m@file", TypeName = "t", Options = ConfigNode.Mapping([], default), Errors = errors };
        var regex = GoRegex.Compile(context, "regex", pattern) ?? throw new InvalidOperationException(string.Join("; ", errors));

        Assert.True(expected == new GoReplacement(regex, template).ReplaceAll(input), scenario);
    }

    [Theory]
    [InlineData("(a)(?:b)(c)", 2)]
    [InlineData(@"\(a\)", 0)]
    [InlineData(@"[()](a)", 1)]
    [InlineData(@"[]()](a)", 1)]
    [InlineData(@"[[:alpha:]()](a)", 1)]
    [InlineData(@"\Q(a)\E(b)", 1)]
    [InlineData("(?i)(a)", 1)]
    public void CountsCapturingGroupsAsGoDoes(string pattern, int groups)
    {
        Assert.Equal(groups + 1, GoRegex.GroupNames(pattern).Count);
    }
}
