using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Services.Composite;

/// <summary>
/// Holds a response whose error answers may be replaced (the failover's main service, the <c>errors</c> middleware's
/// next handler): a status in the ranges, with the fallback up when there is one to check, diverts the response
/// (nothing reaches the client); any other status passes straight through.
/// </summary>
internal sealed class FailoverResponseGate(HttpContext context, IHttpResponseBodyFeature inner, StatusRanges errors, IHttpService? fallback)
    : ResponseGate(context, inner)
{
    protected override bool ShouldDivert() => errors.Contains(Context.Response.StatusCode) && (fallback is null || fallback.IsHealthy);
}
