using System.Diagnostics;
using Portico.Routing.Http;
using Portico.Routing.Rules;

namespace Portico.Tests.Routing.Http;

public sealed class HttpRouteTableTests
{
    [Theory]
    [InlineData("longer rule wins by default", "a.com", "/api/x", "api")]
    [InlineData("host route without path", "a.com", "/other", "host")]
    [InlineData("wildcard host", "x.b.com", "/", "wildcard")]
    [InlineData("exact beats wildcard by priority", "www.b.com", "/", "www")]
    [InlineData("fallback catch-all", "z.com", "/", "catchall")]
    [InlineData("fallback prefix outranks host route", "a.com", "/.well-known/acme", "acme")]
    [InlineData("explicit negative priority loses", "a.com", "/neg", "host")]
    [InlineData("no host goes to fallback", "", "/", "catchall")]
    public void PicksHighestPriority(string scenario, string host, string target, string expected)
    {
        var table = Table(
            ("host", "Host(`a.com`)", 0),
            ("api", "Host(`a.com`) && PathPrefix(`/api`)", 0),
            ("neg", "Host(`a.com`) && Path(`/neg`)", -1),
            ("wildcard", "Host(`*.b.com`)", 0),
            ("www", "Host(`www.b.com`)", 100),
            ("catchall", "PathPrefix(`/`)", 1),
            ("acme", "PathPrefix(`/.well-known/acme`)", 1000));
        Assert.Equal(expected, table.Match(TestRequests.Create(host, target))?.Name);
        Assert.True(scenario.Length > 0);
    }

    [Fact]
    public void TiesAreBrokenByNameOrdinal()
    {
        var table = Table(("b", "Host(`a.com`)", 5), ("a", "Host(`a.com`)", 5), ("B", "Host(`a.com`)", 5));
        Assert.Equal("B", table.Match(TestRequests.Create("a.com"))?.Name);
        Assert.Equal(["B", "a", "b"], table.Routes.Select(r => r.Name));
    }

    [Fact]
    public void NoMatchReturnsNull()
    {
        var table = Table(("a", "Host(`a.com`)", 0));
        Assert.Null(table.Match(TestRequests.Create("b.com")));
    }

    [Fact]
    public void UnindexableRulesStillMatchInOrder()
    {
        var table = Table(
            ("regex", "HostRegexp(`^a`)", 0),
            ("or", "Host(`x.com`) || Method(`POST`)", 0),
            ("not", "!Host(`a.com`)", 0));
        Assert.Equal("or", table.Match(TestRequests.Create("a.com", method: "POST"))?.Name);
        Assert.Equal("regex", table.Match(TestRequests.Create("a.com"))?.Name);
        Assert.Equal("not", table.Match(TestRequests.Create("b.com"))?.Name);
    }

    [Fact]
    public void RouteInSeveralBucketsIsTestedOnce()
    {
        var table = Table(("both", "(Host(`x.b.com`) || Host(`*.b.com`)) && Method(`POST`)", 100), ("other", "Host(`*.b.com`)", 1));
        Assert.Equal("other", table.Match(TestRequests.Create("x.b.com", "/z"), out var tested)?.Name);
        Assert.Equal(2, tested);
    }

    [Fact]
    public void NestedPrefixesShareCandidates()
    {
        var table = Table(
            ("root", "Host(`a.com`) && PathPrefix(`/`)", 1),
            ("api", "Host(`a.com`) && PathPrefix(`/api`)", 2),
            ("apiv2", "Host(`a.com`) && PathPrefix(`/api/v2`)", 3),
            ("apps", "Host(`a.com`) && PathPrefix(`/apps`)", 4));
        Assert.Equal("apiv2", table.Match(TestRequests.Create("a.com", "/api/v2/x"))?.Name);
        Assert.Equal("api", table.Match(TestRequests.Create("a.com", "/api/v1"))?.Name);
        Assert.Equal("apps", table.Match(TestRequests.Create("a.com", "/apps"))?.Name);
        Assert.Equal("root", table.Match(TestRequests.Create("a.com", "/ap"), out var tested)?.Name);
        Assert.Equal(1, tested);
    }

    [Fact]
    public void HundredThousandRoutesTouchOnlyAFewCandidates()
    {
        const int Count = 100_000;
        var routes = new List<HttpRoute<int>>(Count + 2);
        for (var i = 0; i < Count; i++)
        {
            var rule = RuleCompiler.Compile($"Host(`host{i % 1000}.example.com`) && PathPrefix(`/svc{i}/`)");
            routes.Add(new HttpRoute<int>($"r{i}", rule, RulePriority.Default(rule.Text), i));
        }

        routes.Add(new HttpRoute<int>("wild", RuleCompiler.Compile("Host(`*.example.com`) && PathPrefix(`/wild`)"), 0, -1));
        routes.Add(new HttpRoute<int>("catchall", RuleCompiler.Compile("PathPrefix(`/`)"), -1, -2));

        var table = new HttpRouteTable<int>(routes);

        var hit = table.Match(TestRequests.Create("host42.example.com", "/svc77042/items"), out var tested);
        Assert.Equal(77042, hit?.Payload);
        Assert.InRange(tested, 1, 3);

        var miss = table.Match(TestRequests.Create("host42.example.com", "/nothing"), out tested);
        Assert.Equal("catchall", miss?.Name);
        Assert.InRange(tested, 1, 3);

        var wild = table.Match(TestRequests.Create("other.example.com", "/wild"), out tested);
        Assert.Equal("wild", wild?.Name);
        Assert.InRange(tested, 1, 3);
    }

    [Fact]
    public void BuildingTenThousandRoutesIsFast()
    {
        var routes = Enumerable.Range(0, 10_000)
            .Select(i => (Name: $"r{i}", Rule: RuleCompiler.Compile($"Host(`h{i}.example.com`) && PathPrefix(`/p{i % 50}`)")))
            .Select(x => new HttpRoute<int>(x.Name, x.Rule, x.Rule.DefaultPriority, 0))
            .ToList();

        // Generous bound: this guards against accidental quadratic builds, not a benchmark.
        var watch = Stopwatch.StartNew();
        var table = new HttpRouteTable<int>(routes);
        Assert.True(watch.ElapsedMilliseconds < 2000, $"build took {watch.ElapsedMilliseconds} ms");
        Assert.Equal("r123", table.Match(TestRequests.Create("h123.example.com", "/p23/x"))?.Name);
    }

    private static HttpRouteTable<string> Table(params (string Name, string Rule, int Priority)[] routes) =>
        new(routes.Select(r =>
        {
            var rule = RuleCompiler.Compile(r.Rule);
            return new HttpRoute<string>(r.Name, rule, RulePriority.Effective(r.Rule, r.Priority), r.Name);
        }));
}
