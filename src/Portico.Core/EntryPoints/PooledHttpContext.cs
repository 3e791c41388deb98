using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.EntryPoints;

/// <summary>The HttpContext of an <c>IHttpApplication</c> running straight on Kestrel, without ASP.NET's hosting layer.</summary>
internal static class PooledHttpContext
{
    /// <summary>Kestrel keeps one context per connection when the application asks: reuse it as ASP.NET's hosting layer does.</summary>
    public static HttpContext Create(IFeatureCollection contextFeatures)
    {
        if (contextFeatures is IHostContextContainer<HttpContext> container)
        {
            if (container.HostContext is DefaultHttpContext reused)
            {
                reused.Initialize(contextFeatures);
                return reused;
            }

            var created = new DefaultHttpContext(contextFeatures);
            container.HostContext = created;
            return created;
        }

        return new DefaultHttpContext(contextFeatures);
    }
}
