using Portico.Configuration;
using Portico.Tests.Middlewares.SourceCriterion;

namespace Portico.Tests.Middlewares.IpAllowList;

public sealed class IpAllowListTests
{
    [Theory]
    [InlineData("peer inside a CIDR", "ipAllowList:\n  sourceRange: [\"10.0.0.0/8\"]", "10.2.3.4", null, 200)]
    [InlineData("peer outside: 403", "ipAllowList:\n  sourceRange: [\"10.0.0.0/8\"]", "11.0.0.1", null, 403)]
    [InlineData("single address", "ipAllowList:\n  sourceRange: [\"192.168.1.7\"]", "192.168.1.7", null, 200)]
    [InlineData("CIDR with host bits, as Go allows", "ipAllowList:\n  sourceRange: [\"10.1.2.3/8\"]", "10.200.0.1", null, 200)]
    [InlineData("IPv6 range", "ipAllowList:\n  sourceRange: [\"2001:db8::/32\"]", "2001:db8::5", null, 200)]
    [InlineData("IPv4-mapped peer matches IPv4 ranges", "ipAllowList:\n  sourceRange: [\"10.0.0.0/8\"]", "::ffff:10.0.0.1", null, 200)]
    [InlineData("X-Forwarded-For ignored without ipStrategy", "ipAllowList:\n  sourceRange: [\"1.1.1.1\"]", "10.0.0.1", "1.1.1.1", 403)]
    [InlineData("depth picks the entry", "ipAllowList:\n  sourceRange: [\"1.1.1.1\"]\n  ipStrategy:\n    depth: 2", "10.0.0.1", "1.1.1.1, 9.9.9.9", 200)]
    [InlineData("depth too deep: refused", "ipAllowList:\n  sourceRange: [\"0.0.0.0/0\"]\n  ipStrategy:\n    depth: 3", "10.0.0.1", "1.1.1.1, 9.9.9.9", 403)]
    [InlineData("excludedIPs skip the proxies", "ipAllowList:\n  sourceRange: [\"1.1.1.1\"]\n  ipStrategy:\n    excludedIPs: [\"9.9.9.0/24\"]", "10.0.0.1", "1.1.1.1, 9.9.9.8, 9.9.9.9", 200)]
    [InlineData("entry with a port", "ipAllowList:\n  sourceRange: [\"1.1.1.1\"]\n  ipStrategy:\n    depth: 1", "10.0.0.1", "1.1.1.1:4567", 200)]
    [InlineData("garbage entry: refused", "ipAllowList:\n  sourceRange: [\"0.0.0.0/0\"]\n  ipStrategy:\n    depth: 1", "10.0.0.1", "unknown", 403)]
    [InlineData("custom reject status", "ipAllowList:\n  sourceRange: [\"1.1.1.1\"]\n  rejectStatusCode: 404", "10.0.0.1", null, 404)]
    [InlineData("deprecated ipWhiteList works the same", "ipWhiteList:\n  sourceRange: [\"10.0.0.0/8\"]", "11.0.0.1", null, 403)]
    public async Task AllowsOrRejectsAsTraefik(string scenario, string yaml, string peer, string? forwardedFor, int expected)
    {
        var reached = false;
        var middleware = LimitsHarness.BuildOrThrow(yaml, _ =>
        {
            reached = true;
            return Task.CompletedTask;
        });
        var context = LimitsHarness.Request(peer, forwardedFor);

        await middleware(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(expected == context.Response.StatusCode, scenario);
        Assert.Equal(expected == 200, reached);
        if (expected != 200)
        {
            Assert.Equal(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(expected), LimitsHarness.Body(context));
        }
    }

    [Theory]
    [InlineData("ipAllowList: {}", "needs at least one address or CIDR in sourceRange")]
    [InlineData("ipAllowList:\n  sourceRange: [\"10.0.0.0/33\"]", "\"10.0.0.0/33\" is neither an IP address nor a CIDR range")]
    [InlineData("ipAllowList:\n  sourceRange: [\"10.0.0.0/8\"]\n  rejectStatusCode: 999", "rejectStatusCode 999 is not a known HTTP status code")]
    [InlineData("ipAllowList:\n  sourceRange: [\"10.0.0.0/8\"]\n  ipStrategy:\n    ipv6Subnet: 200", "ipv6Subnet must be between 1 and 128")]
    [InlineData("ipWhiteList:\n  sourceRange: [\"10.0.0.0/8\"]\n  rejectStatusCode: 404", "unknown key")]
    public void RefusesBadOptions(string yaml, string expected)
    {
        var errors = new List<ConfigError>();

        Assert.Null(LimitsHarness.Build(yaml, errors));
        Assert.Contains(errors, e => e.Item == "middleware \"limit@file\"" && e.Message.Contains(expected, StringComparison.Ordinal));
    }
}
