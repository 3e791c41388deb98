using Portico.FunctionalTests.Infrastructure;
using Portico.Tcp.Health;
using Portico.Tcp.Services;

namespace Portico.FunctionalTests.Tcp.Health;

/// <summary>TCP health checks against real backends, driven by a fake clock: each check runs when the test advances it.</summary>
public sealed class TcpHealthCheckTests
{
    private const string Static = """
        api:
          insecure: true
        entryPoints:
          traefik:
            address: "127.0.0.1:0"
          tcp:
            address: "127.0.0.1:0"
        """;

    private static string Pool(string healthCheck, params string[] addresses) => $"""
        tcp:
          routers:
            pool:
              entryPoints: [tcp]
              rule: "HostSNI(`*`)"
              service: pool
          services:
            pool:
              loadBalancer:
                healthCheck:
        {healthCheck}
                servers:
        {string.Join('\n', addresses.Select(a => $"          - address: \"{a}\""))}
        """;

    [Fact]
    public async Task KilledServerLeavesTheRotationAndComesBackWhenItPassesAgainAsync()
    {
        var time = new FakeTimeProvider();
        await using var a = TcpEchoBackend.Start("a");
        var b = TcpEchoBackend.Start("b");
        var bAddress = b.Address;
        await using var portico = await PorticoHost.StartAsync(Static, Pool("""
                  interval: 10s
                  unhealthyInterval: 3s
        """, a.Address, bAddress), time: time);

        Assert.Equal(["a", "b"], (await GreetingsAsync(portico, 4)).Distinct().Order());
        Assert.Equal("UP", await ServerStatusAsync(portico, bAddress));

        // The check after the interval finds b gone: it leaves the rotation and the API says so.
        await b.DisposeAsync();
        Assert.False(await CheckAsync(time, Server(portico, bAddress), TimeSpan.FromSeconds(10)));
        Assert.All(await GreetingsAsync(portico, 4), name => Assert.Equal("a", name));
        Assert.Equal("DOWN", await ServerStatusAsync(portico, bAddress));
        Assert.Equal("UP", await ServerStatusAsync(portico, a.Address));

        // Restarted on its port, b passes the next check (unhealthyInterval later) and takes connections again.
        await using var restarted = TcpEchoBackend.Start("b-again", port: int.Parse(bAddress.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await CheckAsync(time, Server(portico, bAddress), TimeSpan.FromSeconds(3)));
        Assert.Contains("b-again", await GreetingsAsync(portico, 4));
        Assert.Equal("UP", await ServerStatusAsync(portico, bAddress));
    }

    [Fact]
    public async Task DownServerStaysDownAcrossAReloadThatKeepsItsServiceAsync()
    {
        var time = new FakeTimeProvider();
        await using var a = TcpEchoBackend.Start("a");
        var dead = TcpEchoBackend.Start("dead");
        var deadAddress = dead.Address;
        await dead.DisposeAsync();
        var config = Pool("          interval: 10s", a.Address, deadAddress);
        await using var portico = await PorticoHost.StartAsync(Static, config, time: time);
        Assert.False(await CheckAsync(time, Server(portico, deadAddress), TimeSpan.FromSeconds(10)));

        // A service is added; this one does not change: its servers' health (and checker) carry over. The file provider
        // waits a quiet period on the injected clock, so the clock is moved on until the reload is live.
        var before = Server(portico, deadAddress);
        var generation = portico.Runtime.Current.Generation;
        var reload = portico.WriteDynamicAsync(config + """

                other:
                  loadBalancer:
                    servers:
                      - address: "127.0.0.1:1"
            """);
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return portico.Runtime.Current.Generation > generation;
        }, "the reload");
        var snapshot = await reload;
        Assert.Contains("other@file", snapshot.TcpServices.Keys);
        Assert.Same(before, Server(portico, deadAddress));
        Assert.Equal("DOWN", await ServerStatusAsync(portico, deadAddress));
        Assert.All(await GreetingsAsync(portico, 3), name => Assert.Equal("a", name));
    }

    public static TheoryData<string, string?, bool, bool> SendExpectCases => new()
    {
        // name of the case is the answer; advanceTimeout: the server never answers, so the check's timeout must elapse.
        { "PONG", "PONG", false, true },
        { "something else", "NOPE", false, false },
        { "nothing (timeout)", null, true, false },
    };

    [Theory]
    [MemberData(nameof(SendExpectCases))]
    public async Task SendExpectMarksTheServerByItsAnswerAsync(string scenario, string? answer, bool advanceTimeout, bool healthy)
    {
        _ = scenario;
        var time = new FakeTimeProvider();
        await using var backend = new AnswerBackend("PING", answer);
        await using var portico = await PorticoHost.StartAsync(Static, Pool("""
                  send: "PING"
                  expect: "PONG"
                  interval: 10s
                  timeout: 2s
        """, backend.Address), time: time);

        var server = Server(portico, backend.Address);
        var verdict = CheckAsync(time, server, TimeSpan.FromSeconds(10));
        if (advanceTimeout)
        {
            // The check is waiting for an answer (its deadline timer is armed): let the timeout pass.
            time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(healthy, await verdict);
        Assert.Equal(healthy ? "UP" : "DOWN", await ServerStatusAsync(portico, backend.Address));
    }

    [Fact]
    public async Task WeightedWithHealthCheckSkipsAChildWhoseServersAreAllDownAsync()
    {
        var time = new FakeTimeProvider();
        await using var a = TcpEchoBackend.Start("a");
        var b = TcpEchoBackend.Start("b");
        var bAddress = b.Address;
        await using var portico = await PorticoHost.StartAsync(Static, $$"""
            tcp:
              routers:
                app:
                  entryPoints: [tcp]
                  rule: "HostSNI(`*`)"
                  service: app
              services:
                app:
                  weighted:
                    healthCheck: {}
                    services:
                      - name: one
                      - name: two
                one:
                  loadBalancer:
                    healthCheck: {interval: 10s}
                    servers: [{address: "{{a.Address}}"}]
                two:
                  loadBalancer:
                    healthCheck: {interval: 10s}
                    servers: [{address: "{{bAddress}}"}]
            """, time: time);

        Assert.Equal(["a", "b"], (await GreetingsAsync(portico, 4)).Distinct().Order());
        await b.DisposeAsync();
        var two = ((TcpLoadBalancer)portico.Runtime.Current.TcpServices["two@file"]).Health[0];
        Assert.False(await CheckAsync(time, two, TimeSpan.FromSeconds(10)));
        Assert.All(await GreetingsAsync(portico, 4), name => Assert.Equal("a", name));
    }

    /// <summary>Advances the clock and returns the verdict of the next check of <paramref name="server"/>.</summary>
    internal static async Task<bool> CheckAsync(FakeTimeProvider time, TcpServerHealth server, TimeSpan advance)
    {
        var verdict = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChecked(TcpServerHealth _, bool healthy) => verdict.TrySetResult(healthy);
        server.Checked += OnChecked;
        try
        {
            time.Advance(advance);
            return await verdict.Task.WaitAsync(PorticoHost.Timeout);
        }
        finally
        {
            server.Checked -= OnChecked;
        }
    }

    private static TcpServerHealth Server(PorticoHost portico, string address) =>
        ((TcpLoadBalancer)portico.Runtime.Current.TcpServices["pool@file"]).Health.Single(h => h.Address == address);

    private static async Task<string> ServerStatusAsync(PorticoHost portico, string address)
    {
        var item = await ApiClient.GetAsync(portico, "/api/tcp/services/pool@file");
        Assert.NotNull(item);
        return item.Value.GetProperty("serverStatus").GetProperty(address).GetString()!;
    }

    /// <summary>Opens <paramref name="count"/> connections through Portico and returns each backend's greeting.</summary>
    private static async Task<List<string>> GreetingsAsync(PorticoHost portico, int count)
    {
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            await using var client = await LineClient.ConnectAsync(portico.Url("tcp"));
            names.Add(await client.ReadLineAsync() ?? "(closed)");
        }

        return names;
    }
}
