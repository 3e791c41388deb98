using System.Net;
using Portico.FunctionalTests.Infrastructure;
using Portico.FunctionalTests.Tcp.ProxyProtocol;
using Portico.Runtime;

namespace Portico.FunctionalTests.Tcp.Middlewares;

/// <summary>
/// TCP middlewares on a router, through a real listener: the echo backend greets at once, so a connection that gets
/// "b1\n" was let through and one that reads end-of-stream without a byte was refused.
/// </summary>
public sealed class TcpMiddlewareTests
{
    private const string Static = """
        entryPoints:
          tcp:
            address: "127.0.0.1:0"
        """;

    private static string Dynamic(TcpEchoBackend echo, string middlewares, string uses = "[guard]") => $"""
        tcp:
          routers:
            echo:
              entryPoints: [tcp]
              rule: "HostSNI(`*`)"
              service: echo
              middlewares: {uses}
          services:
            echo:
              loadBalancer:
                servers:
                  - address: "{echo.Address}"
          middlewares:
        {middlewares}
        """;

    public static TheoryData<string, string, string, bool> AllowLists => new()
    {
        // name, middleware, client source address, let through
        { "allowed address", "    guard:\n      ipAllowList:\n        sourceRange: [\"127.0.0.1\"]", "127.0.0.1", true },
        { "refused address", "    guard:\n      ipAllowList:\n        sourceRange: [\"127.0.0.1\"]", "127.0.0.2", false },
        { "allowed range", "    guard:\n      ipAllowList:\n        sourceRange: [\"10.0.0.0/8\", \"127.0.0.0/30\"]", "127.0.0.2", true },
        { "deprecated ipWhiteList", "    guard:\n      ipWhiteList:\n        sourceRange: [\"127.0.0.1/32\"]", "127.0.0.3", false },
    };

    [Theory]
    [MemberData(nameof(AllowLists))]
    public async Task IpAllowListLetsThroughOnlyItsRangesAsync(string name, string middleware, string source, bool allowed)
    {
        await using var echo = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(echo, middleware));
        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port, IPAddress.Parse(source));

        var greeting = allowed ? await client.ReadSomeAsync() : await client.ReadToCloseAsync();

        Assert.True((allowed ? "b1\n" : string.Empty) == greeting, $"{name}: got \"{greeting}\"");
    }

    [Theory]
    [InlineData("header in range", 1, true)]
    [InlineData("v2 header in range", 2, true)]
    [InlineData("no header: the peer's own address", 0, false)]
    public async Task IpAllowListSeesTheAddressOfAReceivedProxyHeaderAsync(string name, int version, bool allowed)
    {
        await using var echo = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(
            Static + "\n    proxyProtocol:\n      trustedIPs: [\"127.0.0.1\"]",
            Dynamic(echo, "    guard:\n      ipAllowList:\n        sourceRange: [\"203.0.113.0/24\"]"));
        using var client = await SourcedClient.ConnectAsync(portico.Url("tcp").Port);

        byte[] header = version == 0 ? [] : Portico.Tcp.ProxyProtocol.ProxyHeaderWriter.Write(version, IPEndPoint.Parse("203.0.113.7:4242"), IPEndPoint.Parse("198.51.100.9:5432"));
        await client.SendAsync([.. header, .. "x"u8]);
        var greeting = allowed ? await client.ReadSomeAsync() : await client.ReadToCloseAsync();

        // The greeting may come with the echo of "x" in the same read.
        Assert.True(allowed ? greeting.StartsWith("b1\n", StringComparison.Ordinal) : greeting.Length == 0, $"{name}: got \"{greeting}\"");
    }

    [Fact]
    public async Task IpWhiteListIsDeprecatedWithAWarningAsync()
    {
        await using var echo = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(echo, "    guard:\n      ipWhiteList:\n        sourceRange: [\"127.0.0.1\"]"));

        var router = Assert.Single(portico.Runtime.Current.Status.TcpRouters);
        Assert.Equal(ItemStatus.Warning, router.Status);
        Assert.Contains(router.Errors, e => e.Message.Contains("deprecated", StringComparison.Ordinal) && e.Message.Contains("ipAllowList", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InFlightConnRefusesTheConnectionPastTheAmountUntilOneClosesAsync()
    {
        await using var echo = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(echo, "    guard:\n      inFlightConn:\n        amount: 2"));
        var port = portico.Url("tcp").Port;

        using var first = await SourcedClient.ConnectAsync(port);
        Assert.Equal("b1\n", await first.ReadSomeAsync());
        using var second = await SourcedClient.ConnectAsync(port);
        Assert.Equal("b1\n", await second.ReadSomeAsync());
        using (var third = await SourcedClient.ConnectAsync(port))
        {
            Assert.Equal(string.Empty, await third.ReadToCloseAsync());
        }

        // Another client address has its own count.
        using var other = await SourcedClient.ConnectAsync(port, IPAddress.Parse("127.0.0.2"));
        Assert.Equal("b1\n", await other.ReadSomeAsync());

        // Once a connection of 127.0.0.1 ends, a new one is let through again (Portico notices the close asynchronously).
        first.Dispose();
        await Poll.UntilAsync(
            async () =>
            {
                using var again = await SourcedClient.ConnectAsync(port);
                return await again.ReadSomeAsync() == "b1\n";
            },
            "a connection let through after one closed");
    }

    public static TheoryData<string, string, string, string> Broken => new()
    {
        // name, middlewares section, router's middlewares, expected message part
        { "missing", "    other:\n      inFlightConn:\n        amount: 1", "[guard]", "\"guard@file\" does not exist" },
        { "unknown type", "    guard:\n      rateLimit:\n        average: 1", "[guard]", "unknown type \"rateLimit\"" },
        { "empty sourceRange", "    guard:\n      ipAllowList:\n        sourceRange: []", "[guard]", "sourceRange is empty" },
        { "bad range", "    guard:\n      ipAllowList:\n        sourceRange: [\"10.0.0.0/33\"]", "[guard]", "\"10.0.0.0/33\" is not an IP address" },
        { "zero amount", "    guard:\n      inFlightConn:\n        amount: 0", "[guard]", "amount must be at least 1" },
        { "unknown option", "    guard:\n      inFlightConn:\n        amounts: 3", "[guard]", "unknown key" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task ABrokenMiddlewareDisablesTheRouterWithAClearMessageAsync(string name, string middlewares, string uses, string expected)
    {
        await using var echo = TcpEchoBackend.Start("b1");
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(echo, middlewares, uses));

        var router = Assert.Single(portico.Runtime.Current.Status.TcpRouters);
        Assert.True(ItemStatus.Disabled == router.Status, name);
        Assert.Contains(router.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }
}
