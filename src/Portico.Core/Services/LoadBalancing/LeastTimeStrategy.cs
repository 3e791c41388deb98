using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Portico.Services.LoadBalancing;

/// <summary>
/// Traefik <c>leasttime</c>: the lowest <c>average response time × (in flight + 1) / weight</c> wins; ties (including
/// the start, when no server has a measurement) are broken by smooth weighted round robin among the tied servers.
/// </summary>
internal sealed class LeastTimeStrategy(StrategyContext context) : ILoadBalancingStrategy
{
    private const int StackLimit = 128;
    private readonly WeightedRoundRobinStrategy _tieBreaker = new(context);

    public string Name => "leasttime";

    public ServerState? Pick(HttpContext httpContext, ServerState[] servers)
    {
        var count = servers.Length;
        bool[]? rented = null;
        var tied = count <= StackLimit ? stackalloc bool[count] : (rented = ArrayPool<bool>.Shared.Rent(count));
        try
        {
            tied = tied[..count];
            tied.Clear();
            var now = context.Now();
            var bestScore = double.PositiveInfinity;
            var ties = 0;
            ServerState? best = null;
            for (var i = 0; i < count; i++)
            {
                var server = servers[i];
                if (!server.IsHealthy)
                {
                    continue;
                }

                var weight = context.EffectiveWeight(server, now);
                var score = weight <= 0 ? double.PositiveInfinity : server.AverageResponseMs * (server.InFlight + 1) / weight;
                if (best is null || score < bestScore)
                {
                    tied.Clear();
                    best = server;
                    bestScore = score;
                    ties = 1;
                    tied[i] = true;
                }
                else if (score == bestScore)
                {
                    ties++;
                    tied[i] = true;
                }
            }

            return ties <= 1 ? best : _tieBreaker.PickAmong(servers, tied);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<bool>.Shared.Return(rented);
            }
        }
    }
}
