using Microsoft.AspNetCore.Http;
using Portico.Services;
using Portico.Tls.Acme;

namespace Portico.Providers.Acme;

/// <summary>
/// The internal service <c>acme-http@internal</c>: answers <c>/.well-known/acme-challenge/&lt;token&gt;</c> with the
/// key authorization of a pending HTTP-01 challenge, and 404 for any other token.
/// </summary>
internal sealed class Http01ChallengeService(IHttp01ChallengeStore challenges) : IHttpService
{
    public const string ServiceName = "acme-http@internal";

    public string Name => ServiceName;

    public bool IsHealthy => true;

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path.StartsWith(InMemoryHttp01ChallengeStore.PathPrefix, StringComparison.Ordinal)
            && challenges.TryGet(path[InMemoryHttp01ChallengeStore.PathPrefix.Length..], out var keyAuthorization))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(keyAuthorization);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
