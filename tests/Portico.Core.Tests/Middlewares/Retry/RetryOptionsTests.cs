using Portico.Configuration;
using Portico.Middlewares.Retry;
using static Portico.Tests.Middlewares.Retry.RetryTestHarness;

namespace Portico.Tests.Middlewares.Retry;

public sealed class RetryOptionsTests
{
    [Theory]
    [InlineData("missing attempts", "retry: {}", "retry needs attempts greater than 0 (got 0)")]
    [InlineData("negative attempts", "retry:\n  attempts: -1", "retry needs attempts greater than 0 (got -1)")]
    [InlineData("network errors off without status", "retry:\n  attempts: 2\n  disableRetryOnNetworkError: true", "needs status codes to retry on")]
    [InlineData("malformed status range", "retry:\n  attempts: 2\n  status: [\"5xx\"]", "invalid status code range \"5xx\"")]
    [InlineData("reversed status range", "retry:\n  attempts: 2\n  status: [\"599-500\"]", "invalid status code range \"599-500\"")]
    [InlineData("budget ratio above one", "retry:\n  attempts: 2\n  budget:\n    ratio: 1.5", "budget.ratio must be between 0 and 1")]
    [InlineData("negative budget floor", "retry:\n  attempts: 2\n  budget:\n    minRetriesPerSecond: -1", "budget.minRetriesPerSecond must not be negative")]
    [InlineData("empty budget window", "retry:\n  attempts: 2\n  budget:\n    window: 0s", "budget.window must be positive")]
    [InlineData("unknown option", "retry:\n  attempts: 2\n  atempts: 3", "unknown key")]
    public void BadOptionsAreErrorsNamingTheMiddleware(string scenario, string yaml, string expected)
    {
        var errors = new List<ConfigError>();

        var built = Build(yaml, errors);

        Assert.Null(built);
        Assert.True(
            errors.Any(e => e.Item == "middleware \"r@file\"" && e.Message.Contains(expected, StringComparison.Ordinal)),
            $"{scenario}: {string.Join("; ", errors)}");
    }

    [Fact]
    public void DefaultsFollowTraefik()
    {
        var options = new RetryOptions();

        Assert.Equal(2 * 1024 * 1024, options.MaxRequestBodyBytes);
        Assert.Equal(TimeSpan.Zero, options.InitialInterval);
        Assert.Equal(TimeSpan.Zero, options.Timeout);
        Assert.False(options.RetryNonIdempotentMethod);
        Assert.False(options.DisableRetryOnNetworkError);
        Assert.Null(options.Budget);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("OPTIONS", true)]
    [InlineData("TRACE", true)]
    [InlineData("PUT", true)]
    [InlineData("DELETE", true)]
    [InlineData("POST", false)]
    [InlineData("PATCH", false)]
    [InlineData("LOCK", false)]
    public void OnlyPostPatchAndLockAreNonIdempotent(string method, bool idempotent) =>
        Assert.Equal(idempotent, RetryMiddleware.IsIdempotent(method));

    [Theory]
    [InlineData("no interval: retry at once", 4, 0, 0.5, new double[] { 0, 0, 0 })]
    [InlineData("middle of the range", 3, 100, 0.5, new double[] { 100, 141.421356, 200 })]
    [InlineData("lowest draw is half the interval", 3, 100, 0, new double[] { 50, 70.710678, 100 })]
    [InlineData("highest draw is one and a half", 5, 100, 0.999999999, new double[] { 150, 178.381067, 212.132034, 252.269019 })]
    public void BackoffFollowsTraefiksExponentialSeries(string scenario, int attempts, int initialMs, double random, double[] expectedMs)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(initialMs), attempts);

        foreach (var expected in expectedMs)
        {
            var actual = backoff.Next(random).TotalMilliseconds;
            Assert.True(Math.Abs(expected - actual) < 0.001, $"{scenario}: expected {expected} ms, got {actual} ms");
        }
    }

    [Fact]
    public void BudgetAllowsTheFloorPlusTheRatioOfRecentRequestsAndSlides()
    {
        var time = new FakeTimeProvider();
        var budget = new RetryBudget(new RetryBudgetOptions { Ratio = 0.5, MinRetriesPerSecond = 0.1, Window = TimeSpan.FromSeconds(10) }, time);

        // Floor: 0.1/s over 10 s is one retry with no traffic at all.
        Assert.True(budget.TryAcquire());
        Assert.False(budget.TryAcquire());

        // Four requests add two retries (ratio 0.5).
        for (var i = 0; i < 4; i++)
        {
            budget.RecordRequest();
        }

        Assert.True(budget.TryAcquire());
        Assert.True(budget.TryAcquire());
        Assert.False(budget.TryAcquire());

        // Ten seconds later everything has left the window: only the floor is left.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(budget.TryAcquire());
        Assert.False(budget.TryAcquire());
    }

    [Fact]
    public async Task ASpentBudgetDeliversTheFailedAnswerAsync()
    {
        var time = new FakeTimeProvider();
        var seen = new List<string>();
        var retry = Direct("retry:\n  attempts: 3\n  budget:\n    ratio: 0\n    minRetriesPerSecond: 0.1", Script(seen, Outcome.Connect), time);

        var first = NewContext();
        await retry.InvokeAsync(first).WaitAsync(TimeSpan.FromSeconds(10));
        seen.Clear();
        var second = NewContext();
        await retry.InvokeAsync(second).WaitAsync(TimeSpan.FromSeconds(10));

        // The first request used the only retry of the window (then its last attempt answered); the second gets no retry.
        Assert.Equal(1, Portico.Runtime.PorticoRequestFeature.Get(first)!.RetryAttempts);
        Assert.Single(seen);
        Assert.Equal(502, second.Response.StatusCode);
        Assert.Equal(0, Portico.Runtime.PorticoRequestFeature.Get(second)!.RetryAttempts);
    }
}
