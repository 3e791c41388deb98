using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.IpAllowList;

/// <summary>Traefik <c>ipAllowList</c> options.</summary>
internal sealed record IpAllowListOptions
{
    /// <summary>Allowed addresses and CIDR ranges.</summary>
    public IReadOnlyList<string> SourceRange { get; init; } = [];

    public IpStrategyOptions? IpStrategy { get; init; }

    /// <summary>Status of refused requests; 0 means 403.</summary>
    public int RejectStatusCode { get; init; }
}

/// <summary>Traefik's deprecated <c>ipWhiteList</c>: the same without <c>rejectStatusCode</c> (always 403).</summary>
internal sealed record IpWhiteListOptions
{
    public IReadOnlyList<string> SourceRange { get; init; } = [];

    public IpStrategyOptions? IpStrategy { get; init; }
}
