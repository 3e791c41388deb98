using Microsoft.AspNetCore.Http;

namespace Portico.Services.LoadBalancing;

/// <summary>
/// Traefik <c>p2c</c>: draw two distinct healthy servers at random and keep the one with fewer requests in flight.
/// During slow start the in-flight count is divided by the ramp factor so a warming server looks busier.
/// </summary>
internal sealed class PowerOfTwoChoicesStrategy(StrategyContext context, Random random) : ILoadBalancingStrategy
{
    private readonly Lock _randomGate = new();

    public string Name => "p2c";

    public ServerState? Pick(HttpContext httpContext, ServerState[] servers)
    {
        var healthy = 0;
        foreach (var server in servers)
        {
            if (server.IsHealthy)
            {
                healthy++;
            }
        }

        if (healthy == 0)
        {
            return null;
        }

        if (healthy == 1)
        {
            return NthHealthy(servers, 0);
        }

        int first, second;
        if (ReferenceEquals(random, Random.Shared))
        {
            first = random.Next(healthy);
            second = random.Next(healthy - 1);
        }
        else
        {
            // A seeded Random (tests) is not thread-safe; Random.Shared is.
            lock (_randomGate)
            {
                first = random.Next(healthy);
                second = random.Next(healthy - 1);
            }
        }

        if (second >= first)
        {
            second++;
        }

        var a = NthHealthy(servers, first)!;
        var b = NthHealthy(servers, second)!;
        var now = context.Now();
        return Load(a, now) <= Load(b, now) ? a : b;
    }

    private double Load(ServerState server, long now) =>
        (server.InFlight + 1) / (context.SlowStartTicks == 0 ? 1 : server.SlowStartFactor(now, context.SlowStartTicks));

    private static ServerState? NthHealthy(ServerState[] servers, int n)
    {
        foreach (var server in servers)
        {
            if (server.IsHealthy && n-- == 0)
            {
                return server;
            }
        }

        return null;
    }
}
