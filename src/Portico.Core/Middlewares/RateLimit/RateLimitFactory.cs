using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portico.Middlewares.RateLimit.Redis;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.RateLimit;

/// <summary>
/// Builds <c>rateLimit</c>. Each router gets its own in-memory buckets (as in Traefik); with <c>redis</c> the buckets are
/// keyed <c>rate:&lt;middleware&gt;:&lt;source&gt;</c> in Redis and shared by every router and replica using the middleware.
/// </summary>
internal sealed class RateLimitFactory : IMiddlewareFactory
{
    public string TypeName => "rateLimit";

    public Func<RequestDelegate, RequestDelegate>? Create(MiddlewareContext context)
    {
        var options = context.Bind<RateLimitOptions>();
        if (context.HasErrors)
        {
            return null;
        }

        if (options.Period < TimeSpan.Zero)
        {
            context.Error($"period must not be negative (got {Configuration.Parsing.GoDuration.Format(options.Period)})");
        }

        if (options.Average < 0)
        {
            context.Error($"average must not be negative (got {options.Average})");
        }

        var extractor = SourceExtractor.Create(options.SourceCriterion, defaultToHost: false, context.Error);
        var redis = options.Redis is null ? null : RedisSettings.From(options.Redis, context.Error);
        if (context.HasErrors || extractor is null || (options.Redis is not null && redis is null))
        {
            return null;
        }

        if (options.Average == 0)
        {
            // Traefik's limiter has an infinite rate then: every request goes through untouched.
            return next => next;
        }

        var period = options.Period == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : options.Period;
        var bucket = TokenBucket.From(options.Average, period, options.Burst);
        // In-memory buckets survive reloads while the options do not change (Redis buckets live in Redis anyway).
        var time = context.Time;
        IRateLimiter limiter = redis is null
            ? context.GetState<IRateLimiter>("buckets", () => new InMemoryRateLimiter(bucket, time))
            : new RedisRateLimiter(RedisPools.Get(redis), bucket, context.Time, context.Name);
        var logger = context.LoggerFactory.CreateLogger<RateLimitMiddleware>();
        var name = context.Name;
        return next => new RateLimitMiddleware(next, extractor, limiter, bucket.MaxDelay, time, name, logger).InvokeAsync;
    }
}
