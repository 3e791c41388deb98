using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Portico.Services.LoadBalancing;

/// <summary>Traefik <c>wrr</c>: smooth weighted round robin over the healthy servers (a tiny lock guards the running weights).</summary>
internal sealed class WeightedRoundRobinStrategy(StrategyContext context) : ILoadBalancingStrategy
{
    private const int StackLimit = 128;
    private readonly Lock _gate = new();
    private double[] _current = [];

    public string Name => "wrr";

    public ServerState? Pick(HttpContext httpContext, ServerState[] servers) => PickAmong(servers, allowed: null);

    /// <summary>Smooth WRR restricted to servers whose index is set in <paramref name="allowed"/> (all healthy ones when null).</summary>
    internal ServerState? PickAmong(ServerState[] servers, ReadOnlySpan<bool> allowed)
    {
        var count = servers.Length;
        int[]? rentedIndices = null;
        double[]? rentedWeights = null;
        var indices = count <= StackLimit ? stackalloc int[count] : (rentedIndices = ArrayPool<int>.Shared.Rent(count));
        var weights = count <= StackLimit ? stackalloc double[count] : (rentedWeights = ArrayPool<double>.Shared.Rent(count));
        try
        {
            var now = context.Now();
            var n = 0;
            for (var i = 0; i < count; i++)
            {
                var server = servers[i];
                if (server.IsHealthy && (allowed.IsEmpty || allowed[i]))
                {
                    indices[n] = i;
                    weights[n] = context.EffectiveWeight(server, now);
                    n++;
                }
            }

            if (n == 0)
            {
                return null;
            }

            int picked;
            lock (_gate)
            {
                if (_current.Length != count)
                {
                    _current = new double[count];
                }

                picked = SmoothWeightedRoundRobin.Pick(_current, indices[..n], weights[..n]);
            }

            return servers[picked];
        }
        finally
        {
            if (rentedIndices is not null)
            {
                ArrayPool<int>.Shared.Return(rentedIndices);
                ArrayPool<double>.Shared.Return(rentedWeights!);
            }
        }
    }
}
