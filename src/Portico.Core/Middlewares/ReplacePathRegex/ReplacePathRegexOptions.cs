namespace Portico.Middlewares.ReplacePathRegex;

/// <summary>Traefik <c>replacePathRegex</c> options: a Go regular expression over the escaped path and its replacement (<c>$1</c>...).</summary>
internal sealed record ReplacePathRegexOptions
{
    public string? Regex { get; init; }

    public string? Replacement { get; init; }
}
