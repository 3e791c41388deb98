using Microsoft.AspNetCore.Http;

namespace Portico.Services.LoadBalancing;

/// <summary>Chooses one healthy server for a request. Implementations are thread-safe and allocate nothing per pick.</summary>
internal interface ILoadBalancingStrategy
{
    /// <summary>The Traefik strategy name (<c>wrr</c>, <c>p2c</c>, <c>hrw</c>, <c>leasttime</c>).</summary>
    string Name { get; }

    /// <summary>Returns a healthy server, or null when none is healthy.</summary>
    ServerState? Pick(HttpContext context, ServerState[] servers);
}

/// <summary>What every strategy needs besides the servers: the clock for slow start.</summary>
internal sealed class StrategyContext(TimeProvider time, TimeSpan slowStart)
{
    public TimeProvider Time { get; } = time;

    /// <summary>The slow-start window in <see cref="TimeProvider.GetTimestamp"/> ticks; 0 disables it.</summary>
    public long SlowStartTicks { get; } = slowStart <= TimeSpan.Zero ? 0 : (long)(slowStart.TotalSeconds * time.TimestampFrequency);

    /// <summary>The server's weight scaled by its slow-start ramp.</summary>
    public double EffectiveWeight(ServerState server, long now) =>
        SlowStartTicks == 0 ? server.Weight : server.Weight * server.SlowStartFactor(now, SlowStartTicks);

    public long Now() => SlowStartTicks == 0 ? 0 : Time.GetTimestamp();
}

internal static class LoadBalancingStrategies
{
    public static readonly string[] Names = ["wrr", "p2c", "hrw", "leasttime"];

    /// <summary>Creates the strategy for a Traefik strategy name (case-insensitive); null for an unknown name.</summary>
    public static ILoadBalancingStrategy? Create(string? name, StrategyContext context, Random random) =>
        (string.IsNullOrEmpty(name) ? "wrr" : name.ToLowerInvariant()) switch
        {
            "wrr" => new WeightedRoundRobinStrategy(context),
            "p2c" => new PowerOfTwoChoicesStrategy(context, random),
            "hrw" => new HighestRandomWeightStrategy(context),
            "leasttime" => new LeastTimeStrategy(context),
            _ => null,
        };
}
