using Microsoft.AspNetCore.Http;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.InFlightReq;

/// <summary>Builds <c>inFlightReq</c>: at most <c>amount</c> concurrent requests per source, the rest answered 429.</summary>
internal sealed class InFlightReqFactory : IMiddlewareFactory
{
    public string TypeName => "inFlightReq";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<InFlightReqOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        var extractor = SourceExtractor.Create(options.SourceCriterion, defaultToHost: true, context.Error);
        if (extractor is null || context.HasErrors)
        {
            return null;
        }

        // One counter table per router instance, shared by every request through it and kept across reloads while the
        // options do not change, so requests still running on the previous configuration release into the same table.
        var counters = context.GetState("counters", () => new InFlightCounters(options.Amount));
        return next => new InFlightReqMiddleware(next, extractor, counters).InvokeAsync;
    }
}
