using System.Net;
using Portico.Middlewares.SourceCriterion;
using Portico.Tcp.Middlewares;

namespace Portico.Tests.Tcp.Middlewares;

public sealed class TcpMiddlewareUnitTests
{
    [Theory]
    [InlineData("single address", "10.1.2.3", "10.1.2.3", true)]
    [InlineData("other address", "10.1.2.3", "10.1.2.4", false)]
    [InlineData("in range", "10.0.0.0/8", "10.200.0.1", true)]
    [InlineData("ipv4-mapped client", "10.0.0.0/8", "::ffff:10.0.0.1", true)]
    [InlineData("ipv6 range", "2001:db8::/32", "2001:db8::1", true)]
    [InlineData("unknown client", "0.0.0.0/0", null, false)]
    public void IpAllowListAdmitsOnlyItsRanges(string name, string range, string? client, bool admitted)
    {
        var allowList = new TcpIpAllowList("guard@file", IpRanges.Parse([range], out _)!);

        Assert.True(admitted == allowList.TryEnter(client is null ? null : IPAddress.Parse(client)), name);
    }

    [Fact]
    public void InFlightConnCountsPerClientAndForgetsClosedOnes()
    {
        var limit = new TcpInFlightConn("two@file", 2);
        var a = IPAddress.Parse("192.0.2.1");
        var b = IPAddress.Parse("192.0.2.2");

        Assert.True(limit.TryEnter(a));
        Assert.True(limit.TryEnter(IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.False(limit.TryEnter(a));
        Assert.True(limit.TryEnter(b));

        limit.Leave(a);
        Assert.Equal(1, limit.OpenFor(a));
        Assert.True(limit.TryEnter(a));

        limit.Leave(a);
        limit.Leave(a);
        limit.Leave(b);
        Assert.Equal(0, limit.OpenFor(a));
        Assert.Equal(0, limit.OpenFor(b));
    }

    [Fact]
    public void InFlightConnGivesConnectionsWithoutAnAddressOneSharedCount()
    {
        var limit = new TcpInFlightConn("one@file", 1);

        Assert.True(limit.TryEnter(null));
        Assert.False(limit.TryEnter(null));
        limit.Leave(null);
        Assert.True(limit.TryEnter(null));
    }
}
