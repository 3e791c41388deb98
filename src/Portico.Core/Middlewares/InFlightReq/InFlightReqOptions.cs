using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.InFlightReq;

/// <summary>Traefik <c>inFlightReq</c> options.</summary>
internal sealed record InFlightReqOptions
{
    /// <summary>Requests one source may have in flight at once; as in Traefik, 0 refuses every request.</summary>
    public long Amount { get; init; }

    /// <summary>What a source is; by default the request host.</summary>
    public SourceCriterionOptions? SourceCriterion { get; init; }
}
