namespace Portico.Tcp.Health;

/// <summary>
/// <c>tcp.services.&lt;s&gt;.loadBalancer.healthCheck</c> (Traefik 3.6): bound from the service's node when it is built,
/// so a bad value disables that service with a message naming the option.
/// </summary>
internal sealed record TcpHealthCheckConfig
{
    /// <summary>Traefik refuses larger <c>send</c> and <c>expect</c> payloads.</summary>
    public const int MaxPayloadSize = 65535;

    /// <summary>Port to probe instead of the server's own (0: the server's).</summary>
    public int Port { get; init; }

    /// <summary>Bytes written once connected (empty: none).</summary>
    public string? Send { get; init; }

    /// <summary>What the server must answer first (empty: connecting, and sending, is enough).</summary>
    public string? Expect { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Null means the same as <see cref="Interval"/>.</summary>
    public TimeSpan? UnhealthyInterval { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}
