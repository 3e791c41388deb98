using System.Text;
using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Buffering;

namespace Portico.Tests.Middlewares.Buffering;

public sealed class BufferingTests
{
    public static TheoryData<string, int, int, bool> Expressions => new()
    {
        // expression, attempts, response code, expected
        { "IsNetworkError() && Attempts() < 2", 1, 502, true },
        { "IsNetworkError() && Attempts() < 2", 2, 502, false },
        { "IsNetworkError() && Attempts() < 2", 1, 504, true },
        { "IsNetworkError() && Attempts() < 2", 1, 500, false },
        { "ResponseCode() == 503 || ResponseCode() >= 598", 1, 503, true },
        { "ResponseCode() == 503 || ResponseCode() >= 598", 1, 599, true },
        { "ResponseCode() != 200", 3, 200, false },
        { "!IsNetworkError()", 1, 200, true },
        { "!(Attempts() <= 1) && ResponseCode() > 499", 2, 500, true },
        { "  Attempts()<3&&ResponseCode()==500  ", 2, 500, true },
    };

    [Theory]
    [MemberData(nameof(Expressions))]
    public void RetryExpressionsEvaluate(string expression, int attempts, int status, bool expected)
    {
        var predicate = RetryExpression.TryParse(expression, out var error);
        Assert.True(predicate is not null, error);
        Assert.Equal(expected, predicate(new RetryState(attempts, status)));
    }

    [Theory]
    [InlineData("Attempts()", "must be true or false")]
    [InlineData("IsNetworkError() < 2", "compared as a number")]
    [InlineData("Foo()", "unknown function Foo()")]
    [InlineData("Attempts() < 2 &&", "expected \"(\" at the end")]
    [InlineData("(IsNetworkError()", "expected \")\"")]
    [InlineData("IsNetworkError() junk", "unexpected \"junk\"")]
    public void BadRetryExpressionsAreErrors(string expression, string expected) =>
        Assert.Contains(expected, MiddlewareHarness.FirstError($"buffering: {{retryExpression: \"{expression}\"}}"), StringComparison.Ordinal);

    [Fact]
    public void NegativeSizesAreErrors() =>
        Assert.Contains("memRequestBodyBytes must not be negative", MiddlewareHarness.FirstError("buffering: {memRequestBodyBytes: -1}"), StringComparison.Ordinal);

    public static TheoryData<string, int, bool, int> RequestLimits => new()
    {
        // scenario, body length, declare Content-Length, expected status
        { "under the limit", 100, true, 200 },
        { "declared over the limit", 101, true, 413 },
        { "chunked over the limit", 101, false, 413 },
        { "exactly the limit, spilled to disk", 100, false, 200 },
    };

    [Theory]
    [MemberData(nameof(RequestLimits))]
    public async Task RequestBodiesAreBufferedAndLimitedAsync(string scenario, int length, bool declare, int expected)
    {
        var middleware = MiddlewareHarness.BuildValid("buffering: {maxRequestBodyBytes: 100, memRequestBodyBytes: 10}");
        var context = MiddlewareHarness.NewContext("POST");
        var body = Encoding.ASCII.GetBytes(new string('x', length));
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = declare ? length : null;
        context.Request.Headers.TransferEncoding = declare ? default : "chunked";
        var seen = -1L;
        byte[]? received = null;

        await middleware(async ctx =>
        {
            seen = ctx.Request.ContentLength ?? -1;
            using var copy = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(copy);
            received = copy.ToArray();
        })(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(expected == context.Response.StatusCode, scenario);
        if (expected == 200)
        {
            Assert.Equal(length, seen);
            Assert.Equal(body, received);
            Assert.Equal(0, context.Request.Headers.TransferEncoding.Count);
        }
        else
        {
            Assert.Null(received);
        }
    }

    [Theory]
    [InlineData(100, 200)]
    [InlineData(101, 500)]
    public async Task ResponsesAreHeldWholeAndLimitedAsync(int length, int expected)
    {
        var middleware = MiddlewareHarness.BuildValid("buffering: {maxResponseBodyBytes: 100, memResponseBodyBytes: 10}");
        var context = MiddlewareHarness.NewContext();

        await middleware(async ctx =>
        {
            ctx.Response.Headers["X-Backend"] = "yes";
            for (var i = 0; i < length; i++)
            {
                await ctx.Response.Body.WriteAsync("y"u8.ToArray());
                await ctx.Response.Body.FlushAsync();
            }
        })(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(expected, context.Response.StatusCode);
        var received = MiddlewareHarness.ResponseBytes(context);
        Assert.Equal(expected == 200 ? length : 0, received.Length);
        Assert.Equal(expected == 200 ? length : null, context.Response.ContentLength);
        Assert.Equal(expected == 200, context.Response.Headers.ContainsKey("X-Backend"));
    }

    [Theory]
    [InlineData("IsNetworkError() && Attempts() < 2", new[] { 502, 200 }, 2, 200)]
    [InlineData("IsNetworkError() && Attempts() < 2", new[] { 502, 502, 200 }, 2, 502)]
    [InlineData("ResponseCode() == 503 && Attempts() < 5", new[] { 503, 503, 503, 200 }, 4, 200)]
    [InlineData("IsNetworkError()", new[] { 500, 200 }, 1, 500)]
    public async Task AttemptsMatchingTheRetryExpressionAreReplayedAsync(string expression, int[] statuses, int expectedAttempts, int expectedStatus)
    {
        var middleware = MiddlewareHarness.BuildValid($"buffering: {{retryExpression: \"{expression}\"}}");
        var context = MiddlewareHarness.NewContext("POST");
        context.Request.Body = new MemoryStream("payload"u8.ToArray());
        context.Request.ContentLength = 7;
        var attempts = 0;

        await middleware(async ctx =>
        {
            var status = statuses[attempts++];
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            ctx.Response.StatusCode = status;
            ctx.Response.Headers[$"X-Attempt-{attempts}"] = "1";
            await ctx.Response.WriteAsync($"{status}:{body}");
        })(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(expectedAttempts, attempts);
        Assert.Equal(expectedStatus, context.Response.StatusCode);
        Assert.Equal($"{expectedStatus}:payload", Encoding.ASCII.GetString(MiddlewareHarness.ResponseBytes(context)));
        Assert.Equal([$"X-Attempt-{attempts}"], context.Response.Headers.Keys.Where(k => k.StartsWith("X-Attempt", StringComparison.Ordinal)));
    }
}
