using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Services.Composite;

/// <summary>
/// Holds the failover's main response until its status is known: a status in the error ranges (with the fallback up)
/// diverts the response (nothing reaches the client); any other status passes straight through.
/// </summary>
internal sealed class FailoverResponseGate(HttpContext context, IHttpResponseBodyFeature inner, StatusRanges errors, IHttpService fallback)
    : ResponseGate(context, inner)
{
    protected override bool ShouldDivert() => errors.Contains(Context.Response.StatusCode) && fallback.IsHealthy;
}
