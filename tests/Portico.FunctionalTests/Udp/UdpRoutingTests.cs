using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Udp;

public sealed class UdpRoutingTests
{
    // Tests run on a fake clock (or a long timeout): no session may expire by itself while a loaded machine runs slowly.
    private const string Static = """
        entryPoints:
          dns:
            address: "127.0.0.1:0/udp"
            udp:
              timeout: 3s
        """;

    [Fact]
    public async Task SeveralClientsAtOnceEachGetTheirOwnRepliesAsync()
    {
        await using var backend = new UdpEchoBackend("a");
        await using var portico = await PorticoHost.StartAsync(Static, Route(backend), time: new FakeTimeProvider());
        var entryPoint = Endpoint(portico);

        var clients = Enumerable.Range(0, 8).Select(_ => new UdpTestClient(entryPoint)).ToArray();
        try
        {
            var replies = await Task.WhenAll(clients.Select(async (client, i) =>
            {
                var answers = new List<string>();
                for (var n = 0; n < 3; n++)
                {
                    answers.Add((await client.AskAsync($"client {i} message {n}")).Payload);
                }

                return answers;
            })).WaitAsync(PorticoHost.Timeout);

            for (var i = 0; i < clients.Length; i++)
            {
                Assert.Equal([$"client {i} message 0", $"client {i} message 1", $"client {i} message 2"], replies[i]);
            }

            Assert.Equal(clients.Length, portico.Server.UdpEntryPoints["dns"].SessionCount);
        }
        finally
        {
            Array.ForEach(clients, c => c.Dispose());
        }
    }

    [Fact]
    public async Task AWeightedServiceSpreadsNewSessionsByWeightAsync()
    {
        await using var a = new UdpEchoBackend("a");
        await using var b = new UdpEchoBackend("b");
        await using var portico = await PorticoHost.StartAsync(Static, $$"""
            udp:
              routers:
                dns:
                  entryPoints: [dns]
                  service: both
              services:
                both:
                  weighted:
                    services:
                      - {name: a, weight: 2}
                      - {name: b, weight: 1}
                a:
                  loadBalancer:
                    servers: [{address: "{{a.Address}}"}]
                b:
                  loadBalancer:
                    servers: [{address: "{{b.Address}}"}]
            """, time: new FakeTimeProvider());

        var backends = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var client = new UdpTestClient(Endpoint(portico));
            backends.Add((await client.AskAsync("hello")).Backend);
        }

        Assert.Equal(4, backends.Count(x => x == "a"));
        Assert.Equal(2, backends.Count(x => x == "b"));
    }

    [Fact]
    public async Task AnIdleSessionExpiresAfterTheTimeoutAndTheNextDatagramOpensANewOneAsync()
    {
        var time = new FakeTimeProvider();
        await using var backend = new UdpEchoBackend("a");
        await using var portico = await PorticoHost.StartAsync(Static, Route(backend), time: time);
        var udp = portico.Server.UdpEntryPoints["dns"];
        using var client = new UdpTestClient(Endpoint(portico));

        var first = await client.AskAsync("1");

        // Activity keeps the session: 2 s idle, a datagram, 2 s idle again is never 3 s of silence.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(first.Port, (await client.AskAsync("2")).Port);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(first.Port, (await client.AskAsync("3")).Port);
        Assert.Equal(1, udp.SessionCount);

        time.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(0, udp.SessionCount);

        var after = await client.AskAsync("4");
        Assert.NotEqual(first.Port, after.Port);
        Assert.Equal(1, udp.SessionCount);
    }

    [Fact]
    public async Task AFloodOfNewSourcesStaysUnderTheCapAndEstablishedSessionsKeepWorkingAsync()
    {
        const int Cap = 50;
        await using var backend = new UdpEchoBackend("a");
        await using var portico = await PorticoHost.StartAsync($"""
            entryPoints:
              dns:
                address: "127.0.0.1:0/udp"
                udp:
                  maxSessions: {Cap}
            """, Route(backend), time: new FakeTimeProvider());
        var udp = portico.Server.UdpEntryPoints["dns"];
        using var established = new UdpTestClient(Endpoint(portico));
        var before = await established.AskAsync("before");

        var flood = Enumerable.Range(0, 2_000).Select(_ => new UdpTestClient(Endpoint(portico))).ToArray();
        try
        {
            foreach (var batch in flood.Chunk(100))
            {
                await Task.WhenAll(batch.Select(c => c.SendAsync("flood"))).WaitAsync(PorticoHost.Timeout);
                Assert.True(udp.SessionCount <= Cap, $"{udp.SessionCount} sessions for a cap of {Cap}");
            }

            // Loopback may drop some flood datagrams when the socket buffer is full, but far more than the cap arrive.
            await Poll.UntilAsync(() => udp.SessionCount == Cap && udp.RefusedNewClients > 0, "the table to fill up and refuse new clients");
            Assert.Equal(Cap, udp.SessionCount);

            var after = await established.AskAsync("after");
            Assert.Equal(before.Port, after.Port);
            Assert.Equal("after", after.Payload);
        }
        finally
        {
            Array.ForEach(flood, c => c.Dispose());
        }
    }

    [Fact]
    public async Task RemovingTheRouterStopsNewSessionsAndKeepsEstablishedOnesAsync()
    {
        await using var backend = new UdpEchoBackend("a");
        // The file provider needs the real clock to see the new file: a long timeout keeps the session instead.
        await using var portico = await PorticoHost.StartAsync(Static.Replace("timeout: 3s", "timeout: 10m", StringComparison.Ordinal), Route(backend));
        var udp = portico.Server.UdpEntryPoints["dns"];
        using var established = new UdpTestClient(Endpoint(portico));
        var before = await established.AskAsync("before");

        await portico.WriteDynamicAsync($$"""
            udp:
              services:
                echo:
                  loadBalancer:
                    servers: [{address: "{{backend.Address}}"}]
            """);

        using var newcomer = new UdpTestClient(Endpoint(portico));
        await newcomer.SendAsync("anyone?");
        await Poll.UntilAsync(() => udp.DroppedNewClients > 0, "the datagram of a new client to be dropped");
        Assert.Equal(1, udp.SessionCount);

        var after = await established.AskAsync("still there");
        Assert.Equal(before.Port, after.Port);
    }

    private static string Route(UdpEchoBackend backend) => $$"""
        udp:
          routers:
            dns:
              entryPoints: [dns]
              service: echo
          services:
            echo:
              loadBalancer:
                servers: [{address: "{{backend.Address}}"}]
        """;

    private static IPEndPoint Endpoint(PorticoHost portico) => portico.Server.UdpEntryPoints["dns"].LocalEndPoint;
}
