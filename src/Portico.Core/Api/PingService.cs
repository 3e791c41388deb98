using Microsoft.AspNetCore.Http;
using Portico.Runtime;
using Portico.Services;

namespace Portico.Api;

/// <summary><c>ping@internal</c>: 200 <c>OK</c>, or <c>ping.terminatingStatusCode</c> once graceful shutdown has begun.</summary>
internal sealed class PingService : IHttpService
{
    private readonly Lifecycle _lifecycle;
    private readonly int _terminatingStatusCode;

    public PingService(Lifecycle lifecycle, int terminatingStatusCode)
    {
        _lifecycle = lifecycle;
        _terminatingStatusCode = terminatingStatusCode;
    }

    public string Name => "ping@internal";

    public bool IsHealthy => true;

    public Task HandleAsync(HttpContext context)
    {
        var terminating = _lifecycle.IsTerminating;
        context.Response.StatusCode = terminating ? _terminatingStatusCode : StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.WriteAsync(terminating ? "Terminating" : "OK");
    }
}
