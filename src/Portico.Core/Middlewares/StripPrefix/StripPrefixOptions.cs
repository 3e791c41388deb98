namespace Portico.Middlewares.StripPrefix;

/// <summary>Traefik <c>stripPrefix</c> options.</summary>
internal sealed record StripPrefixOptions
{
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    /// <summary>
    /// Deprecated in Traefik v3. It only decided whether an emptied path is <c>""</c> or <c>/</c>; both reach the backend
    /// as <c>/</c>, so it changes nothing here.
    /// </summary>
    public bool? ForceSlash { get; init; }
}
