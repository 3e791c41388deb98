using System.Collections.Frozen;
using System.Net;
using Portico.Tcp;
using Portico.Tcp.Routing;
using Portico.Tcp.Services;

namespace Portico.Tests.Tcp.Routing;

public sealed class TcpRouteTableTests
{
    private sealed class NoService : ITcpService
    {
        public string Name => "none";

        public ValueTask<TcpBackendConnection?> ConnectAsync(TcpClientAddresses client, CancellationToken cancellationToken) => ValueTask.FromResult<TcpBackendConnection?>(null);
    }

    private static TcpRoute Route(string name, string rule, int priority = 0) =>
        new(name, TcpRuleCompiler.Compile(rule), priority != 0 ? priority : Portico.Routing.Rules.RulePriority.Default(rule), TcpTlsMode.Passthrough, "default", new NoService());

    public static TheoryData<string, string[], string, string?> Rows => new()
    {
        // Default priority is the rule's length: the longer rule is tried first.
        { "longer rule wins", ["a=HostSNI(`*`)", "b=HostSNI(`db.test`)"], "db.test", "b" },
        { "catch-all takes the rest", ["a=HostSNI(`*`)", "b=HostSNI(`db.test`)"], "other.test", "a" },
        { "explicit priority beats length", ["a=HostSNI(`*`)@100", "b=HostSNI(`db.test`)"], "db.test", "a" },
        { "equal priority: name order", ["z=HostSNI(`db.test`)", "m=HostSNI(`db.test`)"], "db.test", "m" },
        { "negative priority goes last", ["a=HostSNI(`db.test`)@-1", "b=HostSNIRegexp(`^db`)"], "db.test", "b" },
        { "nothing matches", ["a=HostSNI(`db.test`)"], "x.test", null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void RoutesAreTriedByPriorityThenName(string row, string[] routes, string serverName, string? expected)
    {
        _ = row;
        var built = routes.Select(r =>
        {
            var (name, rest) = (r[..r.IndexOf('=')], r[(r.IndexOf('=') + 1)..]);
            var at = rest.LastIndexOf('@');
            return at > 0 ? Route(name, rest[..at], int.Parse(rest[(at + 1)..])) : Route(name, rest);
        });
        var table = new TcpRouteTable([], built, FrozenSet<string>.Empty, hasHttpsRouters: false);

        var match = table.MatchTls(new TcpConnectionInfo(IPAddress.Loopback, new ClientHelloInfo(serverName, [])));

        Assert.Equal(expected, match?.RouterName);
    }

    public static TheoryData<string, bool, bool, bool, bool> FastPathRows => new()
    {
        { "only cleartext TCP routes", true, false, false, true },
        { "a TLS TCP route needs the ClientHello", true, true, false, false },
        { "an HTTPS router needs the ClientHello", true, false, true, false },
        { "no cleartext TCP route", false, true, false, false },
    };

    [Theory]
    [MemberData(nameof(FastPathRows))]
    public void ConnectionsAreRoutedBeforeTheFirstByteOnlyWithoutAnyTlsRouter(string row, bool plain, bool tls, bool https, bool expected)
    {
        _ = row;
        var table = new TcpRouteTable(
            plain ? [Route("p", "HostSNI(`*`)")] : [],
            tls ? [Route("t", "HostSNI(`db.test`)")] : [],
            FrozenSet<string>.Empty,
            https);

        Assert.Equal(expected, table.RoutesBeforeFirstByte);
    }
}
