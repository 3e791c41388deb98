using Portico.Middlewares.SourceCriterion;

namespace Portico.Tests.Middlewares.SourceCriterion;

public sealed class ClientIpStrategyTests
{
    public static TheoryData<string, int, string[], int?, string, string?, string> Strategies => new()
    {
        { "no strategy options: the socket peer", 0, [], null, "10.0.0.1", "1.1.1.1", "10.0.0.1" },
        { "IPv4-mapped peer is reported as IPv4", 0, [], null, "::ffff:10.0.0.9", null, "10.0.0.9" },
        { "depth 1: the rightmost entry", 1, [], null, "10.0.0.1", "1.1.1.1, 2.2.2.2, 3.3.3.3", "3.3.3.3" },
        { "depth 3: the leftmost of three", 3, [], null, "10.0.0.1", "1.1.1.1,2.2.2.2 ,3.3.3.3", "1.1.1.1" },
        { "depth beyond the entries: empty", 4, [], null, "10.0.0.1", "1.1.1.1, 2.2.2.2, 3.3.3.3", "" },
        { "depth without the header: empty", 1, [], null, "10.0.0.1", null, "" },
        { "depth ignores excludedIPs", 1, ["3.3.3.3"], null, "10.0.0.1", "1.1.1.1, 3.3.3.3", "3.3.3.3" },
        { "excludedIPs: first from the right not excluded", 0, ["3.3.3.3", "192.168.0.0/16"], null, "10.0.0.1", "1.1.1.1, 2.2.2.2, 192.168.1.1, 3.3.3.3", "2.2.2.2" },
        { "excludedIPs skips empty entries", 0, ["3.3.3.3"], null, "10.0.0.1", "1.1.1.1, , 3.3.3.3", "1.1.1.1" },
        { "excludedIPs all excluded: empty", 0, ["1.1.1.1", "3.3.3.3"], null, "10.0.0.1", "1.1.1.1, 3.3.3.3", "" },
        { "excludedIPs keeps a non-address entry", 0, ["3.3.3.3"], null, "10.0.0.1", "unknown, 3.3.3.3", "unknown" },
        { "ipv6Subnet masks the peer", 0, [], 64, "2001:db8:1:2:3:4:5:6", null, "2001:db8:1:2::" },
        { "ipv6Subnet leaves IPv4 peers alone", 0, [], 64, "10.0.0.1", null, "10.0.0.1" },
        { "ipv6Subnet masks the depth entry", 1, [], 48, "10.0.0.1", "1.1.1.1, 2001:db8:1:2::7", "2001:db8:1::" },
        { "ipv6Subnet does not apply to excludedIPs", 0, ["3.3.3.3"], 48, "10.0.0.1", "2001:db8:1:2::7, 3.3.3.3", "2001:db8:1:2::7" },
    };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void SelectsTheClientIpAsTraefik(string scenario, int depth, string[] excluded, int? subnet, string peer, string? forwardedFor, string expected)
    {
        var strategy = ClientIpStrategy.Create(new IpStrategyOptions { Depth = depth, ExcludedIPs = excluded, IPv6Subnet = subnet }, e => Assert.Fail(e));

        Assert.NotNull(strategy);
        Assert.True(expected == strategy.GetIP(LimitsHarness.Request(peer, forwardedFor)), scenario);
    }

    [Theory]
    [InlineData(-1, new string[0], null, "depth must not be negative")]
    [InlineData(0, new[] { "nope" }, null, "\"nope\" is neither an IP address nor a CIDR range")]
    [InlineData(1, new string[0], 0, "ipv6Subnet must be between 1 and 128")]
    [InlineData(0, new string[0], 129, "ipv6Subnet must be between 1 and 128")]
    public void RefusesBadOptions(int depth, string[] excluded, int? subnet, string expected)
    {
        var errors = new List<string>();
        var strategy = ClientIpStrategy.Create(new IpStrategyOptions { Depth = depth, ExcludedIPs = excluded, IPv6Subnet = subnet }, errors.Add);

        Assert.Null(strategy);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rateLimit default: the socket peer", null, null, false, false, "10.0.0.1")]
    [InlineData("inFlightReq default: the host", null, null, false, true, "example.com:8080")]
    [InlineData("ipStrategy wins over the header", 1, "X-User", false, true, "2.2.2.2")]
    [InlineData("requestHeaderName: the header's value", null, "X-User", false, false, "alice")]
    [InlineData("requestHeaderName wins over requestHost", null, "X-Missing", true, false, "")]
    [InlineData("requestHost: the host with its port", null, null, true, false, "example.com:8080")]
    public void ExtractsTheSourceAsTraefik(string scenario, int? depth, string? header, bool host, bool defaultToHost, string expected)
    {
        var options = new SourceCriterionOptions
        {
            IpStrategy = depth is null ? null : new IpStrategyOptions { Depth = depth.Value },
            RequestHeaderName = header,
            RequestHost = host,
        };
        var extractor = SourceExtractor.Create(options, defaultToHost, e => Assert.Fail(e));
        var context = LimitsHarness.Request("10.0.0.1", "1.1.1.1, 2.2.2.2", "example.com:8080", "X-User: alice");

        Assert.NotNull(extractor);
        Assert.True(expected == extractor.Extract(context), scenario);
    }
}
