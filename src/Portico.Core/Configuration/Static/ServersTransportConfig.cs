using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

/// <summary>The default HTTP servers transport (static <c>serversTransport</c>).</summary>
public sealed record ServersTransportConfig
{
    public bool InsecureSkipVerify { get; init; }

    public IReadOnlyList<string> RootCAs { get; init; } = [];

    /// <summary>Idle connections kept per backend host; default 200; 0 means Go's default of 2 and a negative value disables reuse.</summary>
    public int MaxIdleConnsPerHost { get; init; } = 200;

    public Dynamic.ForwardingTimeoutsConfig ForwardingTimeouts { get; init; } = new();

    /// <summary>Accepted for compatibility; SPIFFE is not implemented yet.</summary>
    public ConfigNode? Spiffe { get; init; }
}
