namespace Portico.Middlewares.SourceCriterion;

/// <summary>Traefik <c>sourceCriterion</c>: what groups requests together (client IP, a header's value or the host).</summary>
internal sealed record SourceCriterionOptions
{
    public IpStrategyOptions? IpStrategy { get; init; }

    public string? RequestHeaderName { get; init; }

    public bool RequestHost { get; init; }

    /// <summary>Whether nothing is set, in which case each middleware applies its own default criterion.</summary>
    public bool IsEmpty => IpStrategy is null && string.IsNullOrEmpty(RequestHeaderName) && !RequestHost;
}
