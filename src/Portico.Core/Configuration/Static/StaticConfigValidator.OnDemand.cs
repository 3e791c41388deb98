using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

internal static partial class StaticConfigValidator
{
    /// <summary>
    /// <c>acme.onDemand</c>: <c>ask</c> is required, since without it anyone could make Portico order certificates for
    /// arbitrary names by sending handshakes.
    /// </summary>
    private static void ValidateOnDemand(AcmeOnDemandConfig onDemand, ConfigNode? root, List<ConfigError> errors, string[] prefix)
    {
        if (string.IsNullOrWhiteSpace(onDemand.Ask))
        {
            Add(errors, root, "onDemand needs \"ask\": the URL that approves each name before a certificate is ordered", [.. prefix, "ask"]);
        }
        else if (!Uri.TryCreate(onDemand.Ask, UriKind.Absolute, out var ask) || (ask.Scheme != Uri.UriSchemeHttp && ask.Scheme != Uri.UriSchemeHttps))
        {
            Add(errors, root, $"onDemand.ask \"{onDemand.Ask}\" is not an absolute http(s) URL", [.. prefix, "ask"]);
        }

        if (onDemand.RateLimit.Burst < 1)
        {
            Add(errors, root, "onDemand.rateLimit.burst must be at least 1", [.. prefix, "rateLimit", "burst"]);
        }

        if (onDemand.RateLimit.Period <= TimeSpan.Zero)
        {
            Add(errors, root, "onDemand.rateLimit.period must be positive", [.. prefix, "rateLimit", "period"]);
        }

        if (onDemand.Timeout <= TimeSpan.Zero)
        {
            Add(errors, root, "onDemand.timeout must be positive", [.. prefix, "timeout"]);
        }
    }
}
