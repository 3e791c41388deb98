using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Runtime;
using static Portico.Tests.Middlewares.Retry.RetryTestHarness;

namespace Portico.Tests.Middlewares.Retry;

public sealed class RetryMiddlewareTests
{
    public static TheoryData<string, string, string, string?, string, int, int> Scenarios => new()
    {
        // name, options, method, body, outcomes in order ("connect" or a status; the last repeats), attempts, final status
        { "network error is retried until the server answers", "attempts: 4", "GET", null, "connect,connect,200", 3, 200 },
        { "a 5xx answer is final without status (pre-3.7 semantics)", "attempts: 4", "GET", null, "503,200", 1, 503 },
        { "a listed status is retried for GET", "attempts: 4\n  status: [\"500-599\"]", "GET", null, "503,500,200", 3, 200 },
        { "a status outside the ranges is final", "attempts: 4\n  status: [\"500-599\"]", "GET", null, "404,200", 1, 404 },
        { "POST is not retried on status", "attempts: 4\n  status: [\"500-599\"]", "POST", "payload", "503,200", 1, 503 },
        { "PATCH is not retried on status", "attempts: 4\n  status: [\"503\"]", "PATCH", "payload", "503,200", 1, 503 },
        { "POST is retried on a network error (nothing reached the server)", "attempts: 4\n  status: [\"500-599\"]", "POST", null, "connect,201", 2, 201 },
        { "retryNonIdempotentMethod retries POST on status with its body", "attempts: 4\n  status: [\"503\"]\n  retryNonIdempotentMethod: true", "POST", "payload", "503,201", 2, 201 },
        { "PUT and DELETE are idempotent", "attempts: 3\n  status: [\"503\"]", "PUT", "payload", "503,204", 2, 204 },
        { "disableRetryOnNetworkError keeps the 502", "attempts: 4\n  status: [\"503\"]\n  disableRetryOnNetworkError: true", "GET", null, "connect,200", 1, 502 },
        { "disableRetryOnNetworkError with 502 listed retries by status", "attempts: 4\n  status: [\"502\"]\n  disableRetryOnNetworkError: true", "GET", null, "connect,200", 2, 200 },
        { "the last attempt answers whatever it gets", "attempts: 3\n  status: [\"500-599\"]", "GET", null, "503", 3, 503 },
        { "attempts 1 never retries", "attempts: 1", "GET", null, "connect,200", 1, 502 },
        { "a body over maxRequestBodyBytes turns status retries off", "attempts: 4\n  status: [\"503\"]\n  maxRequestBodyBytes: 4", "PUT", "too large", "503,200", 1, 503 },
        { "a body over maxRequestBodyBytes is still retried on a network error", "attempts: 4\n  status: [\"503\"]\n  maxRequestBodyBytes: 4", "PUT", "too large", "connect,200", 2, 200 },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task RetriesOnTheRightErrorsOnlyAsync(string scenario, string options, string method, string? body, string outcomes, int attempts, int status)
    {
        var seen = new List<string>();
        var errors = new List<ConfigError>();
        var middleware = Build("retry:\n  " + options, errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        var context = NewContext(method, body);

        await middleware(Script(seen, Parse(outcomes)))(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(attempts == seen.Count, $"{scenario}: {seen.Count} attempts");
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal($"answer {attempts}", ResponseText(context));
        Assert.Equal(attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), context.Response.Headers["X-Attempt"].ToString());
        Assert.Equal(attempts - 1, PorticoRequestFeature.Get(context)!.RetryAttempts);
        if (body is not null)
        {
            // Every attempt that reached the server got the whole body, including after a replay.
            Assert.All(seen.Where(s => s.Length > 0), s => Assert.Equal(body, s));
            Assert.Contains(body, seen);
        }
    }

    [Fact]
    public async Task HeadersSetBeforeTheRetryAreKeptAndThoseOfDiscardedAttemptsAreNotAsync()
    {
        var seen = new List<string>();
        var errors = new List<ConfigError>();
        var middleware = Build("retry:\n  attempts: 3", errors)!;
        var context = NewContext();
        context.Response.Headers["X-Outer"] = "kept";
        RequestDelegate service = async ctx =>
        {
            if (seen.Count == 0)
            {
                ctx.Response.Headers["X-Only-First"] = "1";
            }

            await Script(seen, Outcome.Connect, Outcome.Answer(200))(ctx);
        };

        await middleware(service)(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("kept", context.Response.Headers["X-Outer"].ToString());
        Assert.False(context.Response.Headers.ContainsKey("X-Only-First"));
        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task BackoffWaitsOnTheInjectedClockAsync()
    {
        var time = new FakeTimeProvider();
        var seen = new List<string>();
        var retry = Direct("retry:\n  attempts: 3\n  initialInterval: 1s", Script(seen, Outcome.Connect, Outcome.Connect, Outcome.Answer(200)), time, random: 0.5);
        var context = NewContext();

        // The scripted service completes synchronously, so the first wait is armed when InvokeAsync returns. The
        // continuation after a wait may run on the thread pool: the test waits (bounded) for the next timer to be armed.
        var running = retry.InvokeAsync(context);
        Assert.Single(seen);
        Assert.Equal(1, time.ActiveTimers);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(seen);
        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(SpinWait.SpinUntil(() => seen.Count == 2 && time.ActiveTimers == 1, TimeSpan.FromSeconds(10)));

        // The second wait is the first times 2^(1/(attempts-1)) = √2.
        time.Advance(TimeSpan.FromMilliseconds(1413));
        Assert.Equal(2, seen.Count);
        time.Advance(TimeSpan.FromMilliseconds(2));
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, seen.Count);
        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task TimeoutDeliversTheAnswerOnceTheTimeIsSpentAsync()
    {
        var time = new FakeTimeProvider();
        var seen = new List<string>();
        var script = Script(seen, Outcome.Answer(503));
        RequestDelegate slow = ctx =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return script(ctx);
        };
        var retry = Direct("retry:\n  attempts: 10\n  status: [\"503\"]\n  timeout: 2500ms", slow, time);
        var context = NewContext();

        await retry.InvokeAsync(context).WaitAsync(TimeSpan.FromSeconds(10));

        // Attempts end at 1s, 2s and 3s: the third is past the timeout and goes to the client.
        Assert.Equal(3, seen.Count);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("answer 3", ResponseText(context));
    }
}
