using Portico.Configuration.Dynamic;

namespace Portico.Services;

/// <summary>
/// Structural equality of load balancer configurations, deciding whether a reload may keep a load balancer's live
/// state. Records compare scalars by value already; this handles the lists and dictionaries they hold.
/// </summary>
internal static class ServiceConfigEquality
{
    public static bool LoadBalancerEquals(LoadBalancerConfig? a, LoadBalancerConfig? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        return a.Servers.SequenceEqual(b.Servers) &&
            string.Equals(a.Strategy, b.Strategy, StringComparison.OrdinalIgnoreCase) &&
            Equals(a.Sticky, b.Sticky) &&
            HealthCheckEquals(a.HealthCheck, b.HealthCheck) &&
            Equals(a.PassiveHealthCheck, b.PassiveHealthCheck) &&
            a.PassHostHeader == b.PassHostHeader &&
            Equals(a.ResponseForwarding, b.ResponseForwarding) &&
            string.Equals(a.ServersTransport, b.ServersTransport, StringComparison.Ordinal) &&
            a.SlowStart == b.SlowStart;
    }

    public static bool HealthCheckEquals(HealthCheckConfig? a, HealthCheckConfig? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Headers.Count != b.Headers.Count)
        {
            return false;
        }

        foreach (var (name, value) in a.Headers)
        {
            if (!b.Headers.TryGetValue(name, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        var empty = new Dictionary<string, string>();
        return (a with { Headers = empty }) == (b with { Headers = empty });
    }
}
