using Portico.Routing.Rules;

namespace Portico.Tests.Routing.Rules;

public sealed class Re2RegexTests
{
    [Theory]
    [InlineData("look-ahead", "a(?=b)", "look-ahead")]
    [InlineData("negative look-ahead", "a(?!b)", "look-ahead")]
    [InlineData("look-behind", "(?<=a)b", "look-behind")]
    [InlineData("negative look-behind", "(?<!a)b", "look-behind")]
    [InlineData("numbered back-reference", "(a)\\1", "back-references")]
    [InlineData("named back-reference", "(?<x>a)\\k<x>", "back-references")]
    [InlineData("python back-reference", "(?P<x>a)(?P=x)", "back-references")]
    [InlineData("possessive star", "a*+", "possessive")]
    [InlineData("possessive repeat", "a{2}+", "possessive")]
    [InlineData("atomic group", "(?>a)", "atomic")]
    [InlineData("conditional", "(?(1)a|b)", "conditional")]
    [InlineData("ungreedy flag", "(?U)a+", "ungreedy")]
    [InlineData("dotnet-only escape", "\\G", "invalid escape")]
    [InlineData("upper Z", "a\\Z", "invalid escape")]
    [InlineData("unclosed class", "[a", "missing closing ]")]
    public void Rejected(string scenario, string pattern, string fragment)
    {
        Assert.True(scenario.Length > 0);
        Assert.Null(Re2Regex.Compile(pattern, false, out var error));
        Assert.Contains(fragment, error, StringComparison.Ordinal);
        Assert.Contains("RE2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("python named group", "^(?P<id>[0-9]+)$", "123", true)]
    [InlineData("go named group", "^(?<id>[0-9]+)$", "123", true)]
    [InlineData("hex brace escape", "^\\x{41}$", "A", true)]
    [InlineData("quoted literal", "^\\Q.*\\E$", ".*", true)]
    [InlineData("quoted literal is literal", "^\\Q.*\\E$", "ab", false)]
    [InlineData("posix class", "^[[:alpha:]]+$", "abcXYZ", true)]
    [InlineData("posix class miss", "^[[:digit:]]+$", "12a", false)]
    [InlineData("ascii digit like go", "^\\d$", "\u0663", false)]
    [InlineData("ascii word like go", "^\\w+$", "héllo", false)]
    [InlineData("flags group", "(?i:^ABC$)", "abc", true)]
    [InlineData("lazy quantifier", "^a+?b$", "aab", true)]
    [InlineData("literal bracket in class", "^[]a]+$", "a]a", true)]
    [InlineData("octal escape", "^\\101$", "A", true)]
    [InlineData("unicode class", "^\\pL+$", "été", true)]
    [InlineData("negated unicode class", "^\\p{^L}+$", "123", true)]
    [InlineData("literal brace", "^a{$", "a{", true)]
    public void Translated(string scenario, string pattern, string input, bool expected)
    {
        Assert.True(scenario.Length > 0);
        var regex = Re2Regex.Compile(pattern, false, out var error);
        Assert.True(regex is not null, error);
        Assert.Equal(expected, regex.IsMatch(input));
    }

    [Fact]
    public void UsesTheNonBacktrackingEngine()
    {
        var regex = Re2Regex.Compile("^(a+)+$", false, out _)!;
        Assert.True((regex.Options & System.Text.RegularExpressions.RegexOptions.NonBacktracking) != 0);
        Assert.DoesNotMatch(regex, new string('a', 5000) + "!");
    }
}
