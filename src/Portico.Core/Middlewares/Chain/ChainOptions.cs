namespace Portico.Middlewares.Chain;

/// <summary>Traefik <c>chain</c> options: other middlewares applied in order, as one.</summary>
internal sealed record ChainOptions
{
    public IReadOnlyList<string> Middlewares { get; init; } = [];
}
