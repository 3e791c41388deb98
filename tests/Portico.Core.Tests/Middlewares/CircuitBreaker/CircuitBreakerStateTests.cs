using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Configuration.Parsing;
using Portico.Middlewares.CircuitBreaker;

namespace Portico.Tests.Middlewares.CircuitBreaker;

public sealed class CircuitBreakerStateTests
{
    private readonly FakeTimeProvider _time = new();
    private int _backendStatus = 200;
    private int _backendCalls;

    [Fact]
    public async Task OpensAtTheFirstCheckAfterTheExpressionTurnsTrueAsync()
    {
        var breaker = Create("NetworkErrorRatio() > 0.5", checkPeriod: "100ms");

        // t=0: a good answer runs the first check (false) and schedules the next one for t=100ms.
        Assert.Equal(200, await SendAsync(breaker));

        // t=50ms: the backend fails; the expression is true from the second failure on but is not evaluated yet.
        _time.Advance(TimeSpan.FromMilliseconds(50));
        _backendStatus = 502;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(502, await SendAsync(breaker));
        }

        Assert.Equal(BreakerState.Standby, breaker.State);

        // t=101ms: the next answer runs the check: the breaker trips within the check period.
        _time.Advance(TimeSpan.FromMilliseconds(51));
        Assert.Equal(502, await SendAsync(breaker));
        Assert.Equal(BreakerState.Tripped, breaker.State);
        var calls = _backendCalls;
        var context = NewContext();
        await breaker.InvokeAsync(context);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("Service Unavailable", Encoding.ASCII.GetString(((MemoryStream)context.Response.Body).ToArray()));
        Assert.Equal("text/plain; charset=utf-8", context.Response.ContentType);
        Assert.Equal(calls, _backendCalls);
    }

    [Fact]
    public async Task RecoversOnScheduleWithALinearRampAsync()
    {
        var breaker = Create("ResponseCodeRatio(500, 600, 0, 600) > 0.5", fallback: "10s", recovery: "10s", responseCode: 429);
        _backendStatus = 500;
        Assert.Equal(500, await SendAsync(breaker));
        Assert.Equal(BreakerState.Tripped, breaker.State);
        _backendStatus = 200;

        // Open for the whole fallback duration: nothing reaches the backend.
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Equal(429, await SendAsync(breaker));
        Assert.Equal(1, _backendCalls);

        // At the end of the fallback the breaker recovers; at the very start of the ramp nothing is let through yet.
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(429, await SendAsync(breaker));
        Assert.Equal(BreakerState.Recovering, breaker.State);

        // Half way through the recovery the target share is 0.25: of 100 requests about a quarter pass.
        _time.Advance(TimeSpan.FromSeconds(5));
        var passed = 0;
        for (var i = 0; i < 100; i++)
        {
            passed += await SendAsync(breaker) == 200 ? 1 : 0;
        }

        Assert.InRange(passed, 24, 26);
        Assert.Equal(BreakerState.Recovering, breaker.State);

        // After the recovery duration the breaker closes and lets everything through.
        _time.Advance(TimeSpan.FromSeconds(5) + TimeSpan.FromTicks(1));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(200, await SendAsync(breaker));
        }

        Assert.Equal(BreakerState.Standby, breaker.State);
    }

    [Fact]
    public async Task TripsAgainWhenTheExpressionHoldsWhileRecoveringAsync()
    {
        var breaker = Create("NetworkErrorRatio() > 0.5", fallback: "1s", recovery: "10s");
        _backendStatus = 504;
        await SendAsync(breaker);
        Assert.Equal(BreakerState.Tripped, breaker.State);

        // As in oxy, the ramp starts with the first request after the fallback duration; half way into it, the first
        // request let through fails and the check trips the breaker again.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(503, await SendAsync(breaker));
        Assert.Equal(BreakerState.Recovering, breaker.State);
        _time.Advance(TimeSpan.FromSeconds(5));
        var status = 503;
        for (var i = 0; i < 100 && status == 503; i++)
        {
            status = await SendAsync(breaker);
        }

        Assert.Equal(504, status);
        Assert.Equal(BreakerState.Tripped, breaker.State);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(503, await SendAsync(breaker));
    }

    [Fact]
    public async Task EachInstanceHasItsOwnStateAsync()
    {
        var first = Create("NetworkErrorRatio() > 0.5");
        var second = Create("NetworkErrorRatio() > 0.5");
        _backendStatus = 502;

        await SendAsync(first);

        Assert.Equal(BreakerState.Tripped, first.State);
        Assert.Equal(BreakerState.Standby, second.State);
    }

    private CircuitBreakerMiddleware Create(string expression, string checkPeriod = "100ms", string fallback = "10s", string recovery = "10s", int responseCode = 503)
    {
        var options = new CircuitBreakerOptions
        {
            Expression = expression,
            CheckPeriod = GoDuration.TryParse(checkPeriod, out var c) ? c : throw new ArgumentException(checkPeriod),
            FallbackDuration = GoDuration.TryParse(fallback, out var f) ? f : throw new ArgumentException(fallback),
            RecoveryDuration = GoDuration.TryParse(recovery, out var r) ? r : throw new ArgumentException(recovery),
            ResponseCode = responseCode,
        };
        RequestDelegate backend = context =>
        {
            _backendCalls++;
            context.Response.StatusCode = _backendStatus;
            return Task.CompletedTask;
        };
        return new CircuitBreakerMiddleware(backend, BreakerExpressionParser.Parse(expression), options, "cb@file", _time, NullLogger.Instance);
    }

    private static async Task<int> SendAsync(CircuitBreakerMiddleware breaker)
    {
        var context = NewContext();
        await breaker.InvokeAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        return context.Response.StatusCode;
    }

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }
}
