namespace Portico.Middlewares.AddPrefix;

/// <summary>Traefik <c>addPrefix</c> options.</summary>
internal sealed record AddPrefixOptions
{
    public string? Prefix { get; init; }
}
