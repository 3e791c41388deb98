namespace Portico.Middlewares.Errors;

/// <summary>Traefik <c>errors</c> options.</summary>
internal sealed record ErrorsOptions
{
    /// <summary>Status codes and ranges (<c>500-599</c>, <c>404</c>) whose answers are replaced by the error page.</summary>
    public IReadOnlyList<string> Status { get; init; } = [];

    /// <summary>Traefik 3.4: the status sent instead of the original one, by code or range (<c>"500-599": 503</c>).</summary>
    public IReadOnlyDictionary<string, int> StatusRewrites { get; init; } = new Dictionary<string, int>();

    /// <summary>The service that serves the error pages.</summary>
    public string? Service { get; init; }

    /// <summary>The path (and query) asked of the service; <c>{status}</c>, <c>{originalStatus}</c> and <c>{url}</c> are replaced.</summary>
    public string? Query { get; init; }

    /// <summary>Request headers passed to the error service: all when unset, none when empty (Traefik 3.6.15).</summary>
    public IReadOnlyList<string>? ErrorRequestHeaders { get; init; }
}
