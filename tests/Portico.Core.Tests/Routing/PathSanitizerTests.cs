using Portico.Configuration.Static;
using Portico.Routing;

namespace Portico.Tests.Routing;

public sealed class PathSanitizerTests
{
    [Theory]
    [InlineData("root", "/", "/")]
    [InlineData("empty", "", "/")]
    [InlineData("clean path untouched", "/a/b", "/a/b")]
    [InlineData("trailing slash kept", "/a/b/", "/a/b/")]
    [InlineData("dot segment", "/a/./b", "/a/b")]
    [InlineData("dot dot segment", "/a/../b", "/b")]
    [InlineData("dot dot above root", "/../../b", "/b")]
    [InlineData("double slash", "//a//b", "/a/b")]
    [InlineData("trailing dot dot keeps slash semantics of Go", "/a/b/..", "/a")]
    [InlineData("trailing dot dot slash", "/a/b/../", "/a/")]
    [InlineData("only dots", "/./", "/")]
    [InlineData("dots inside names are kept", "/a..b/.c", "/a..b/.c")]
    [InlineData("relative gets a slash", "a/b", "/a/b")]
    public void Clean(string scenario, string path, string expected)
    {
        Assert.True(scenario.Length > 0);
        Assert.Equal(expected, PathSanitizer.Clean(path));
    }

    [Theory]
    [InlineData("slash upper", "/a%2Fb", "Slash")]
    [InlineData("slash lower", "/a%2fb", "Slash")]
    [InlineData("backslash", "/a%5cb", "BackSlash")]
    [InlineData("null", "/a%00", "NullCharacter")]
    [InlineData("semicolon", "/a%3Bb", "Semicolon")]
    [InlineData("percent", "/a%25", "Percent")]
    [InlineData("question mark", "/a%3f", "QuestionMark")]
    [InlineData("hash", "/a%23", "Hash")]
    [InlineData("harmless escape", "/a%20b", "None")]
    [InlineData("no escape", "/a/b", "None")]
    [InlineData("truncated escape", "/a%2", "None")]
    public void EncodedCharactersAllForbidden(string scenario, string path, string expected)
    {
        Assert.True(scenario.Length > 0);
        var deny = new EncodedCharactersConfig
        {
            AllowEncodedSlash = false,
            AllowEncodedBackSlash = false,
            AllowEncodedNullCharacter = false,
            AllowEncodedSemicolon = false,
            AllowEncodedPercent = false,
            AllowEncodedQuestionMark = false,
            AllowEncodedHash = false,
        };
        Assert.Equal(Enum.Parse<EncodedCharacterViolation>(expected), PathSanitizer.CheckEncodedCharacters(path, deny));
    }

    [Fact]
    public void DefaultsAllowEverything()
    {
        Assert.Equal(EncodedCharacterViolation.None, PathSanitizer.CheckEncodedCharacters("/%2F%5C%00%3B%25%3F%23", new EncodedCharactersConfig()));
    }

    [Fact]
    public void OnlyTheForbiddenCharacterIsReported()
    {
        var options = new EncodedCharactersConfig { AllowEncodedHash = false };
        Assert.Equal(EncodedCharacterViolation.None, PathSanitizer.CheckEncodedCharacters("/a%2F%3B", options));
        Assert.Equal(EncodedCharacterViolation.Hash, PathSanitizer.CheckEncodedCharacters("/a%2F%23", options));
    }
}
