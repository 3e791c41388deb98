using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.IpAllowList;

/// <summary>Builds <c>ipAllowList</c>: requests whose client IP (chosen by <c>ipStrategy</c>) is outside <c>sourceRange</c> are refused.</summary>
internal sealed class IpAllowListFactory : IMiddlewareFactory
{
    public string TypeName => "ipAllowList";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<IpAllowListOptions>();
        return context.HasErrors ? null : Build(context, options.SourceRange, options.IpStrategy, options.RejectStatusCode);
    }

    internal static Func<RequestDelegate, RequestDelegate>? Build(
        MiddlewareContext context, IReadOnlyList<string> sourceRange, IpStrategyOptions? ipStrategy, int rejectStatusCode)
    {
        if (sourceRange.Count == 0)
        {
            context.Error($"{context.TypeName} needs at least one address or CIDR in sourceRange");
            return null;
        }

        if (rejectStatusCode == 0)
        {
            rejectStatusCode = StatusCodes.Status403Forbidden;
        }
        else if (rejectStatusCode is < 100 or > 999 || ReasonPhrases.GetReasonPhrase(rejectStatusCode).Length == 0)
        {
            context.Error($"rejectStatusCode {rejectStatusCode} is not a known HTTP status code");
        }

        var allowed = IpRanges.Parse(sourceRange, out var bad);
        if (allowed is null)
        {
            context.Error($"sourceRange: \"{bad}\" is neither an IP address nor a CIDR range");
        }

        var strategy = ClientIpStrategy.Create(ipStrategy, context.Error);
        if (context.HasErrors || allowed is null || strategy is null)
        {
            return null;
        }

        var logger = context.LoggerFactory.CreateLogger<IpAllowListMiddleware>();
        var name = context.Name;
        return next => new IpAllowListMiddleware(next, allowed, strategy, rejectStatusCode, name, logger).InvokeAsync;
    }
}

/// <summary>Traefik's deprecated name for <c>ipAllowList</c>: accepted, with a configuration warning on the middleware.</summary>
internal sealed class IpWhiteListFactory : IMiddlewareFactory
{
    public string TypeName => "ipWhiteList";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<IpWhiteListOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        context.Warn("ipWhiteList is deprecated; use ipAllowList (same options, plus rejectStatusCode)");
        return IpAllowListFactory.Build(context, options.SourceRange, options.IpStrategy, 0);
    }
}
