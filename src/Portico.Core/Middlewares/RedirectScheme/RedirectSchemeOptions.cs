namespace Portico.Middlewares.RedirectScheme;

/// <summary>Traefik <c>redirectScheme</c> options.</summary>
internal sealed record RedirectSchemeOptions
{
    public string? Scheme { get; init; }

    /// <summary>A string in Traefik (<c>"443"</c>); empty means the URL names no port.</summary>
    public string? Port { get; init; }

    public bool Permanent { get; init; }
}
