namespace Portico.Middlewares.StripPrefix;

/// <summary>Traefik <c>stripPrefix</c> options.</summary>
internal sealed record StripPrefixOptions
{
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    /// <summary>Deprecated in Traefik v3 and ignored there too.</summary>
    public bool ForceSlash { get; init; } = true;
}
