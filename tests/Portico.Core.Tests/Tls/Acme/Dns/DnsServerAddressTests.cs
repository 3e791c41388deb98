using Portico.Tls.Acme.Dns;

namespace Portico.Tests.Tls.Acme.Dns;

public sealed class DnsServerAddressTests
{
    [Theory]
    [InlineData("ipv4 and port", "1.1.1.1:53", "1.1.1.1:53")]
    [InlineData("ipv4 without port", "8.8.8.8", "8.8.8.8:53")]
    [InlineData("ipv6 in brackets", "[2001:db8::1]:5353", "[2001:db8::1]:5353")]
    [InlineData("bare ipv6", "2001:db8::1", "[2001:db8::1]:53")]
    [InlineData("host name", "ns1.example.test:53", "ns1.example.test:53")]
    [InlineData("bad port", "1.1.1.1:99999", null)]
    [InlineData("not a port", "1.1.1.1:dns", null)]
    [InlineData("empty", "", null)]
    [InlineData("unclosed bracket", "[::1:53", null)]
    public void Resolvers_parse_as_host_and_port(string scenario, string text, string? expected)
    {
        var ok = DnsServerAddress.TryParse(text, out var address);

        Assert.True((expected is not null) == ok, scenario);
        if (expected is not null)
        {
            Assert.Equal(expected, address.ToString());
        }
    }

    [Theory]
    [InlineData("nameservers", "# comment\nsearch lan\nnameserver 10.0.0.2\nnameserver  ::1\noptions ndots:2\n", new[] { "10.0.0.2:53", "[::1]:53" })]
    [InlineData("none falls back to loopback", "search lan\n", new[] { "127.0.0.1:53" })]
    [InlineData("garbage is skipped", "nameserver not-an-ip\nnameserver\tfd00::53\n", new[] { "[fd00::53]:53" })]
    public void Resolv_conf_gives_the_system_resolvers(string scenario, string text, string[] expected)
    {
        Assert.True(expected.SequenceEqual(DnsServerAddress.FromResolvConf(text).Select(s => s.ToString())), scenario);
    }
}
