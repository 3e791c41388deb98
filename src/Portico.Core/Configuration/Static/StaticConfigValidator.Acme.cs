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

        ValidateAcmeClient(acme, root, errors, acmePrefix);
    }
}
