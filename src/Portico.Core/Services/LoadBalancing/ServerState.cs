using Portico.Forwarding;

namespace Portico.Services.LoadBalancing;

/// <summary>
/// The live state of one server of a load balancer: its health, in-flight count and latency average.
/// Instances survive configuration reloads when the load balancer's configuration did not change.
/// </summary>
internal sealed class ServerState
{
    // Slow start is measured in TimeProvider timestamps; long.MinValue means "fully warmed up".
    private readonly Lock _gate = new();
    private long _healthySince = long.MinValue;
    private int _inFlight;
    private long _ewmaBits;
    private bool _activeHealthy = true;
    private bool _passiveHealthy = true;

    public ServerState(Uri url, int weight, ForwarderOptions forwarderOptions)
    {
        Url = url;
        UrlText = url.OriginalString;
        Weight = weight;
        ForwarderOptions = forwarderOptions;
    }

    public Uri Url { get; }

    /// <summary>The position of this server in its load balancer's list.</summary>
    public int Index { get; init; }

    /// <summary>The server URL as configured; the identity used for hashing and sticky cookies.</summary>
    public string UrlText { get; }

    public int Weight { get; }

    /// <summary>Forwarding options of this server (its <c>preservePath</c> differs per server).</summary>
    public ForwarderOptions ForwarderOptions { get; }

    /// <summary>Up for the load balancer: not failed by the active check and not ejected by the passive one.</summary>
    public bool IsHealthy => Volatile.Read(ref _activeHealthy) && Volatile.Read(ref _passiveHealthy);

    public bool ActiveHealthy => Volatile.Read(ref _activeHealthy);

    public bool PassiveHealthy => Volatile.Read(ref _passiveHealthy);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Exponentially weighted moving average of the forwarding time, in milliseconds (0 before the first sample).</summary>
    public double AverageResponseMs => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _ewmaBits));

    /// <summary>Raised after <see cref="IsHealthy"/> changed, with the new value.</summary>
    public event Action<ServerState, bool>? HealthChanged;

    public void IncrementInFlight() => Interlocked.Increment(ref _inFlight);

    public void DecrementInFlight() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Folds one response time into the average without a lock (compare-and-swap on the bits).</summary>
    public void RecordResponseTime(double milliseconds)
    {
        const double Alpha = 0.3;
        while (true)
        {
            var bits = Interlocked.Read(ref _ewmaBits);
            var current = BitConverter.Int64BitsToDouble(bits);
            var next = current == 0 ? milliseconds : current + (Alpha * (milliseconds - current));
            if (Interlocked.CompareExchange(ref _ewmaBits, BitConverter.DoubleToInt64Bits(next), bits) == bits)
            {
                return;
            }
        }
    }

    public void SetActiveHealthy(bool healthy, long timestamp) => Update(ref _activeHealthy, healthy, timestamp);

    public void SetPassiveHealthy(bool healthy, long timestamp) => Update(ref _passiveHealthy, healthy, timestamp);

    /// <summary>
    /// The fraction of its weight this server receives: 1 when warm, otherwise ramping linearly from 10% to 100%
    /// over <paramref name="slowStartTicks"/> timestamp ticks since it became healthy.
    /// </summary>
    public double SlowStartFactor(long now, long slowStartTicks)
    {
        var since = Volatile.Read(ref _healthySince);
        if (slowStartTicks <= 0 || since == long.MinValue)
        {
            return 1;
        }

        var elapsed = now - since;
        if (elapsed >= slowStartTicks)
        {
            Volatile.Write(ref _healthySince, long.MinValue);
            return 1;
        }

        return 0.1 + (0.9 * Math.Max(0, elapsed) / slowStartTicks);
    }

    private void Update(ref bool field, bool value, long timestamp)
    {
        // Health changes are rare (probe results, ejections); a lock keeps "before/after" consistent so each
        // transition is reported exactly once even when the active and passive checks race.
        bool after;
        lock (_gate)
        {
            var before = IsHealthy;
            Volatile.Write(ref field, value);
            after = IsHealthy;
            if (before == after)
            {
                return;
            }

            if (after)
            {
                Volatile.Write(ref _healthySince, timestamp);
            }
        }

        HealthChanged?.Invoke(this, after);
    }
}
