using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

/// <summary>Checks <c>certificatesResolvers</c>: what the ACME provider serves, and what it only accepts.</summary>
internal static partial class StaticConfigValidator
{
    private static void ValidateResolver(string name, CertificatesResolverConfig resolver, IReadOnlyDictionary<string, EntryPointConfig> entryPoints, ConfigNode? root, List<ConfigError> errors)
    {
        string[] prefix = ["certificatesResolvers", name];
        WarnIfPresent(resolver.Tailscale, root, errors, [.. prefix, "tailscale"]);
        if (resolver.Acme is not { } acme)
        {
            return;
        }

        string[] acmePrefix = [.. prefix, "acme"];
        if (!Uri.TryCreate(acme.CaServer, UriKind.Absolute, out _))
        {
            Add(errors, root, $"caServer \"{acme.CaServer}\" is not an absolute URL", [.. acmePrefix, "caServer"]);
        }

        if (string.IsNullOrWhiteSpace(acme.Storage))
        {
            Add(errors, root, "storage must name the acme.json file", [.. acmePrefix, "storage"]);
        }

        if (acme.HttpChallenge is { } http)
        {
            if (string.IsNullOrEmpty(http.EntryPoint))
            {
                Add(errors, root, "httpChallenge needs \"entryPoint\": the entry point the CA reaches on port 80", [.. acmePrefix, "httpChallenge", "entryPoint"]);
            }
            else if (!entryPoints.ContainsKey(http.EntryPoint))
            {
                Add(errors, root, $"httpChallenge.entryPoint \"{http.EntryPoint}\" does not exist", [.. acmePrefix, "httpChallenge", "entryPoint"]);
            }

            WarnIfPresent(http.Delay, root, errors, [.. acmePrefix, "httpChallenge", "delay"]);
        }
        else if (acme.TlsChallenge is null && acme.DnsChallenge is null)
        {
            Add(errors, root, "the ACME resolver needs a challenge: httpChallenge, tlsChallenge or dnsChallenge", acmePrefix);
        }

        if (acme.DnsChallenge is { } dns)
        {
            ValidateDnsChallenge(dns, root, errors, [.. acmePrefix, "dnsChallenge"]);
        }

        if (acme.OnDemand is { } onDemand)
        {
            ValidateOnDemand(onDemand, root, errors, [.. acmePrefix, "onDemand"]);
        }

        // Certificates are always issued for an ECDSA P-256 key; another key type is reported rather than ignored.
        var keyType = root?.Get("certificatesResolvers")?.Get(name)?.Get("acme")?.Get("keyType") is not null && !acme.KeyType.Equals("EC256", StringComparison.OrdinalIgnoreCase);
        WarnIf(keyType, root, errors, [.. acmePrefix, "keyType"]);
        WarnIf(acme.PreferredChain is not null, root, errors, [.. acmePrefix, "preferredChain"]);
        WarnIf(acme.CaCertificates is { Count: > 0 }, root, errors, [.. acmePrefix, "caCertificates"]);
        WarnIf(acme.CaSystemCertPool, root, errors, [.. acmePrefix, "caSystemCertPool"]);
        WarnIf(acme.CaServerName is not null, root, errors, [.. acmePrefix, "caServerName"]);
        WarnIf(acme.CertificatesDuration != 2160, root, errors, [.. acmePrefix, "certificatesDuration"]);
        WarnIfPresent(acme.Eab, root, errors, [.. acmePrefix, "eab"]);
        WarnIfPresent(acme.ClientTimeout, root, errors, [.. acmePrefix, "clientTimeout"]);
        WarnIfPresent(acme.ClientResponseHeaderTimeout, root, errors, [.. acmePrefix, "clientResponseHeaderTimeout"]);
    }
}
