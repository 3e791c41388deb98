using Portico.Routing.Rules;

namespace Portico.Tests.Routing.Rules;

public sealed class RuleParserTests
{
    [Theory]
    [InlineData("dangling and", "Host(`a`) &&", "rule \"Host(`a`) &&\": unexpected end of rule at column 13")]
    [InlineData("empty", "", "rule \"\": empty rule at column 1")]
    [InlineData("single quotes", "Host('a')", "rule \"Host('a')\": single quotes are not allowed, use backticks (`...`) or double quotes (\"...\") at column 6")]
    [InlineData("unknown matcher", "Hots(`a`)", "rule \"Hots(`a`)\": unknown matcher \"Hots\" at column 1")]
    [InlineData("arity", "Host(`a`, `b`)", "rule \"Host(`a`, `b`)\": matcher Host expects 1 argument, got 2 at column 1")]
    [InlineData("header arity", "Header(`a`)", "rule \"Header(`a`)\": matcher Header expects 2 arguments, got 1 at column 1")]
    [InlineData("query arity", "Query(`a`, `b`, `c`)", "rule \"Query(`a`, `b`, `c`)\": matcher Query expects 1 or 2 arguments, got 3 at column 1")]
    [InlineData("unterminated raw", "Host(`a)", "rule \"Host(`a)\": unterminated raw string (missing closing backtick) at column 6")]
    [InlineData("unclosed paren", "(Host(`a`)", "rule \"(Host(`a`)\": unexpected end of rule at column 11")]
    [InlineData("extra paren", "Host(`a`))", "rule \"Host(`a`))\": unexpected character ')' at column 10")]
    [InlineData("single ampersand", "Host(`a`) & Path(`/`)", "rule \"Host(`a`) & Path(`/`)\": unexpected character '&' at column 11")]
    [InlineData("bare identifier", "Host && Path(`/`)", "rule \"Host && Path(`/`)\": expected \"(\" after matcher name \"Host\", found character '&' at column 6")]
    [InlineData("v2 matcher in v3", "Headers(`a`, `b`)", "rule \"Headers(`a`, `b`)\": unknown matcher \"Headers\" (\"Headers\" exists in rule syntax v2) at column 1")]
    [InlineData("bad escape", "Host(\"a\\qb\")", "rule \"Host(\"a\\qb\")\": unknown escape sequence \"\\q\" in double-quoted string at column 8")]
    [InlineData("non-string argument", "Host(a)", "rule \"Host(a)\": expected a string argument (`...` or \"...\"), found character 'a' at column 6")]
    public void Errors(string scenario, string rule, string expected)
    {
        Assert.True(scenario.Length > 0);
        Assert.False(RuleCompiler.TryCompile(rule, RuleSyntax.V3, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("documented", "PathPrefix(`/a`)")]
    [InlineData("lower", "pathprefix(`/a`)")]
    [InlineData("upper", "PATHPREFIX(`/a`)")]
    [InlineData("capitalised", "Pathprefix(`/a`)")]
    public void FourSpellings(string scenario, string rule)
    {
        Assert.True(scenario.Length > 0);
        var compiled = RuleCompiler.Compile(rule);
        Assert.True(compiled.Matches(TestRequests.Create(target: "/a/b")));
    }

    [Theory]
    [InlineData("camel variant", "pathPrefix(`/a`)")]
    [InlineData("random case", "PaThPrEfIx(`/a`)")]
    public void OtherSpellingsAreRejected(string scenario, string rule)
    {
        Assert.True(scenario.Length > 0);
        Assert.False(RuleCompiler.TryCompile(rule, RuleSyntax.V3, out _, out _));
    }

    [Theory]
    [InlineData("and binds tighter than or", "Host(`a`) || Host(`b`) && Path(`/x`)", "(Host(`a`) || (Host(`b`) && Path(`/x`)))")]
    [InlineData("parentheses", "(Host(`a`) || Host(`b`)) && Path(`/x`)", "((Host(`a`) || Host(`b`)) && Path(`/x`))")]
    [InlineData("not binds tightest", "!Host(`a`) && Path(`/x`)", "(!Host(`a`) && Path(`/x`))")]
    [InlineData("not of group", "!(Host(`a`) || Path(`/x`))", "!(Host(`a`) || Path(`/x`))")]
    [InlineData("left associative", "Host(`a`) || Host(`b`) || Host(`c`)", "((Host(`a`) || Host(`b`)) || Host(`c`))")]
    [InlineData("newlines are spaces", "Host(`a`)\n  && Path(`/x`)", "(Host(`a`) && Path(`/x`))")]
    public void Precedence(string scenario, string rule, string expected)
    {
        Assert.True(scenario.Length > 0);
        Assert.Equal(expected, RuleParser.Parse(rule).ToString());
    }

    [Theory]
    [InlineData("raw string keeps backslashes", "Path(`/a\\nb`)", "/a\\nb")]
    [InlineData("double quoted", "Path(\"/a\")", "/a")]
    [InlineData("escaped quote", "Path(\"/a\\\"b\")", "/a\"b")]
    [InlineData("hex escape", "Path(\"/\\x41\")", "/A")]
    [InlineData("unicode escape", "Path(\"/\\u00e9\")", "/é")]
    [InlineData("octal escape", "Path(\"/\\101\")", "/A")]
    [InlineData("utf-8 bytes from hex escapes", "Path(\"/\\xc3\\xa9\")", "/é")]
    [InlineData("trailing comma", "Path(`/a`,)", "/a")]
    public void StringQuoting(string scenario, string rule, string expected)
    {
        Assert.True(scenario.Length > 0);
        var call = Assert.IsType<MatcherCall>(RuleParser.Parse(rule));
        Assert.Equal(expected, Assert.Single(call.Arguments));
    }
}
