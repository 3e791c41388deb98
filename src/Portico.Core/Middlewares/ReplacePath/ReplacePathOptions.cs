namespace Portico.Middlewares.ReplacePath;

/// <summary>Traefik <c>replacePath</c> options: the new path, escaped (<c>%20</c>, <c>%2F</c>...).</summary>
internal sealed record ReplacePathOptions
{
    public string? Path { get; init; }
}
