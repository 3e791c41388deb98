namespace Portico.Tls.Acme.Dns;

/// <summary>
/// The DNS providers Portico ships, by <c>dnsChallenge.provider</c> name. A provider reads its settings when it is
/// created, so a missing variable fails the issuance (logged and retried) rather than the start.
/// </summary>
internal static class DnsProviders
{
    private static readonly Dictionary<string, Func<DnsProviderSettings, IDnsProvider>> Factories = new(StringComparer.Ordinal)
    {
        [ExecDnsProvider.ProviderName] = settings => new ExecDnsProvider(settings),
        [HttpReqDnsProvider.ProviderName] = settings => new HttpReqDnsProvider(settings),
    };

    /// <summary>The supported names, sorted, for error messages and the docs.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys.Order(StringComparer.Ordinal)];

    public static bool IsKnown(string name) => Factories.ContainsKey(name);

    /// <summary>Creates the provider, reading its variables through <paramref name="environment"/>.</summary>
    public static IDnsProvider Create(string name, Func<string, string?> environment) =>
        Factories.TryGetValue(name, out var factory)
            ? factory(new DnsProviderSettings(name, environment))
            : throw new AcmeException($"unknown DNS provider \"{name}\": Portico supports {string.Join(", ", Names)}");
}
