namespace Portico.Middlewares.StripPrefixRegex;

/// <summary>Traefik <c>stripPrefixRegex</c> options: Go regular expressions whose match at the start of the path is removed.</summary>
internal sealed record StripPrefixRegexOptions
{
    public IReadOnlyList<string> Regex { get; init; } = [];
}
