namespace Portico.Middlewares.RedirectRegex;

/// <summary>Traefik <c>redirectRegex</c> options.</summary>
internal sealed record RedirectRegexOptions
{
    /// <summary>A Go regular expression matched against <c>scheme://host[:port]/path?query</c>.</summary>
    public string? Regex { get; init; }

    /// <summary>The new URL, with Go's <c>$1</c> / <c>${name}</c> references.</summary>
    public string? Replacement { get; init; }

    public bool Permanent { get; init; }
}
