namespace Portico.Configuration.Static;

/// <summary>
/// <c>certificatesResolvers.&lt;name&gt;.acme.dnsChallenge</c>: the DNS provider that publishes the TXT records (its
/// credentials come from environment variables, as in Traefik and lego), the resolvers used for the propagation check,
/// and the propagation options. <c>delayBeforeCheck</c> and <c>disablePropagationCheck</c> are Traefik's deprecated
/// spellings of <c>propagation.delayBeforeChecks</c> and <c>propagation.disableChecks</c>.
/// </summary>
public sealed record AcmeDnsChallengeConfig
{
    public string? Provider { get; init; }

    /// <summary><c>host:port</c> of the resolvers queried for the propagation check; the system's when empty.</summary>
    public IReadOnlyList<string> Resolvers { get; init; } = [];

    public AcmeDnsPropagationConfig? Propagation { get; init; }

    public TimeSpan? DelayBeforeCheck { get; init; }

    public bool? DisablePropagationCheck { get; init; }

    /// <summary>The delay before the first propagation check, from the current option or else the deprecated one.</summary>
    public TimeSpan EffectiveDelayBeforeChecks() => Propagation?.DelayBeforeChecks ?? DelayBeforeCheck ?? TimeSpan.Zero;

    /// <summary>Whether the propagation check is skipped, from the current option or else the deprecated one.</summary>
    public bool EffectiveDisableChecks() => Propagation?.DisableChecks ?? DisablePropagationCheck ?? false;
}

/// <summary><c>dnsChallenge.propagation</c>.</summary>
public sealed record AcmeDnsPropagationConfig
{
    public bool? DisableChecks { get; init; }

    /// <summary>Portico only queries the recursive resolvers, so the authoritative check is always off.</summary>
    public bool DisableANSChecks { get; init; }

    /// <summary>Whether every resolver must answer with the value (otherwise one is enough).</summary>
    public bool RequireAllRNS { get; init; }

    public TimeSpan? DelayBeforeChecks { get; init; }
}
