using Portico.Configuration.Parsing;
using Portico.Tls.Acme.Dns;

namespace Portico.Configuration.Static;

/// <summary>Checks <c>acme.dnsChallenge</c>: a known provider, well-formed resolvers, and the deprecated spellings.</summary>
internal static partial class StaticConfigValidator
{
    private static void ValidateDnsChallenge(AcmeDnsChallengeConfig dns, ConfigNode? root, List<ConfigError> errors, string[] prefix)
    {
        if (string.IsNullOrWhiteSpace(dns.Provider))
        {
            Add(errors, root, $"dnsChallenge needs \"provider\": one of {string.Join(", ", DnsProviders.Names)}", [.. prefix, "provider"]);
        }
        else if (!DnsProviders.IsKnown(dns.Provider))
        {
            Add(errors, root, $"unknown DNS provider \"{dns.Provider}\": Portico supports {string.Join(", ", DnsProviders.Names)}", [.. prefix, "provider"]);
        }

        foreach (var resolver in dns.Resolvers)
        {
            if (!DnsServerAddress.TryParse(resolver, out _))
            {
                Add(errors, root, $"resolver \"{resolver}\" is not host:port (e.g. 1.1.1.1:53)", [.. prefix, "resolvers"]);
            }
        }

        if (dns.EffectiveDelayBeforeChecks() < TimeSpan.Zero)
        {
            Add(errors, root, "delayBeforeChecks must not be negative", [.. prefix, "propagation", "delayBeforeChecks"]);
        }

        // Traefik still reads the v2 spellings and warns; Portico maps them the same way.
        Deprecated(dns.DelayBeforeCheck is not null, "delayBeforeCheck", "propagation.delayBeforeChecks", root, errors, prefix);
        Deprecated(dns.DisablePropagationCheck is not null, "disablePropagationCheck", "propagation.disableChecks", root, errors, prefix);
    }

    private static void Deprecated(bool isSet, string option, string replacement, ConfigNode? root, List<ConfigError> errors, string[] prefix)
    {
        if (isSet)
        {
            string[] keys = [.. prefix, option];
            var path = string.Join('.', keys);
            errors.Add(new ConfigError(path, $"\"{path}\" is deprecated: use \"{string.Join('.', prefix)}.{replacement}\"", Locate(root, keys), ConfigSeverity.Warning));
        }
    }
}
