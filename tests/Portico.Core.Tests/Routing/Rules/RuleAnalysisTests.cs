using Portico.Routing.Rules;

namespace Portico.Tests.Routing.Rules;

public sealed class RuleAnalysisTests
{
    [Theory]
    [InlineData("prefix contains longer prefix", "Host(`a.com`) && PathPrefix(`/api`)", "Host(`a.com`) && PathPrefix(`/api/v1`)", true)]
    [InlineData("prefix contains exact path", "PathPrefix(`/api`)", "Path(`/api/x`) && Method(`GET`)", true)]
    [InlineData("wildcard contains host", "Host(`*.a.com`)", "Host(`x.a.com`) && Path(`/x`)", true)]
    [InlineData("wildcard does not contain deeper host", "Host(`*.a.com`)", "Host(`x.y.a.com`)", false)]
    [InlineData("bare star contains everything", "Host(`*`)", "Host(`x.com`) && HeaderRegexp(`a`, `b`)", true)]
    [InlineData("different hosts", "Host(`a.com`)", "Host(`b.com`)", false)]
    [InlineData("or on the shadowing side", "Host(`a.com`) || Host(`b.com`)", "Host(`b.com`) && Path(`/x`)", true)]
    [InlineData("or on the shadowed side needs every term", "Host(`a.com`)", "Host(`a.com`) || Host(`b.com`)", false)]
    [InlineData("regex on the shadowing side is unknown", "PathRegexp(`^/api`)", "Path(`/api`)", false)]
    [InlineData("negation on the shadowing side is unknown", "!Host(`b.com`)", "Host(`a.com`)", false)]
    [InlineData("method differs", "Method(`GET`)", "Method(`POST`)", false)]
    [InlineData("header equality", "Header(`X-A`, `1`)", "Header(`x-a`, `1`) && Host(`a.com`)", true)]
    [InlineData("query equality", "Query(`a`, `1`)", "Query(`a`, `1`) && Host(`a.com`)", true)]
    [InlineData("cidr contains ip", "ClientIP(`10.0.0.0/8`)", "ClientIP(`10.1.2.3`)", true)]
    [InlineData("prefix not contained", "PathPrefix(`/api/v1`)", "PathPrefix(`/api`)", false)]
    public void Shadowing(string scenario, string high, string low, bool shadowed)
    {
        var findings = RuleAnalysis.Analyze(
        [
            new AnalyzedRouter("high", high, 1000, []),
            new AnalyzedRouter("low", low, 10, []),
        ]);
        var finding = findings.SingleOrDefault(f => f.Kind == RuleFindingKind.Shadowed);
        Assert.True(shadowed == finding is not null, scenario);
        if (finding is not null)
        {
            Assert.Equal("low", finding.Router);
            Assert.Equal("high", finding.OtherRouter);
            Assert.Contains("shadowed by router \"high\"", finding.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ShadowingNeedsACommonEntryPoint()
    {
        var findings = RuleAnalysis.Analyze(
        [
            new AnalyzedRouter("high", "Host(`a.com`)", 100, ["web"]),
            new AnalyzedRouter("low", "Host(`a.com`) && Path(`/x`)", 10, ["websecure"]),
        ]);
        Assert.Empty(findings);
    }

    [Theory]
    [InlineData("same host different overlapping prefixes", "Host(`a.com`) && PathPrefix(`/a`)", "Host(`a.com`) && PathPrefix(`/ab`)", true)]
    [InlineData("disjoint prefixes", "PathPrefix(`/a`)", "PathPrefix(`/b`)", false)]
    [InlineData("different hosts", "Host(`a.com`)", "Host(`b.com`)", false)]
    [InlineData("host and wildcard", "Host(`x.a.com`)", "Host(`*.a.com`)", true)]
    [InlineData("different methods", "Method(`GET`)", "Method(`PUT`)", false)]
    [InlineData("headers can repeat", "Header(`a`, `1`)", "Header(`a`, `2`)", true)]
    [InlineData("regex is unknown", "PathRegexp(`^/a`)", "PathPrefix(`/a`)", false)]
    [InlineData("exact path within prefix", "Path(`/a/b`)", "PathPrefix(`/a`)", true)]
    [InlineData("exact path outside prefix", "Path(`/b`)", "PathPrefix(`/a`)", false)]
    [InlineData("disjoint networks", "ClientIP(`10.0.0.0/8`)", "ClientIP(`11.0.0.0/8`)", false)]
    public void Ambiguity(string scenario, string first, string second, bool ambiguous)
    {
        var findings = RuleAnalysis.Analyze(
        [
            new AnalyzedRouter("one", first, 50, ["web"]),
            new AnalyzedRouter("two", second, 50, ["web"]),
        ]);
        Assert.True(ambiguous == findings.Any(f => f.Kind == RuleFindingKind.Ambiguous), scenario);
    }

    [Fact]
    public void DefaultPrioritiesAreUsed()
    {
        // Both rules are 13 bytes long: equal default priority, overlapping paths.
        var findings = RuleAnalysis.Analyze(
        [
            new AnalyzedRouter("b", "Path(`/abc`)", 0, []),
            new AnalyzedRouter("a", "Path(`/abc`)", 0, []),
        ]);
        var finding = Assert.Single(findings);
        Assert.Equal(RuleFindingKind.Ambiguous, finding.Kind);
        Assert.Equal("a", finding.Router);
        Assert.Contains("same priority 12", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidRulesAreReported()
    {
        var finding = Assert.Single(RuleAnalysis.Analyze([new AnalyzedRouter("bad", "Host(`a`) &&", 0, [])]));
        Assert.Equal(RuleFindingKind.Invalid, finding.Kind);
        Assert.Contains("unexpected end of rule at column 13", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void V2MultiValueRulesAreAnalysed()
    {
        var findings = RuleAnalysis.Analyze(
        [
            new AnalyzedRouter("high", "Host(`a.com`, `b.com`)", 100, [], RuleSyntax.V2),
            new AnalyzedRouter("low", "Host(`b.com`) && Path(`/x`)", 10, []),
        ]);
        Assert.Equal(RuleFindingKind.Shadowed, Assert.Single(findings).Kind);
    }
}
