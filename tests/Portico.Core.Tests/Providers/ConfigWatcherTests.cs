using Microsoft.Extensions.Logging.Abstractions;
using Portico.Configuration.Dynamic;
using Portico.Providers;

namespace Portico.Tests.Providers;

public sealed class ConfigWatcherTests
{
    private static readonly TimeSpan Throttle = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task FirstChangeAppliesAtOnceAndLaterOnesWaitForTheWindowWithOnlyTheLatestAppliedAsync()
    {
        var time = new FakeTimeProvider();
        var applied = new List<string>();
        var next = new TaskCompletionSource();
        using var watcher = new ConfigWatcher(Throttle, time, providers =>
        {
            lock (applied)
            {
                applied.Add(string.Join(",", providers.Select(p => p.Provider + ":" + Describe(p.Config))));
            }

            next.TrySetResult();
            return Task.CompletedTask;
        }, NullLogger.Instance);

        watcher.Publish(Snapshot("file", "a"));
        await next.Task.WaitAsync(TimeSpan.FromSeconds(10));
        next = new TaskCompletionSource();

        // Two more changes inside the window: nothing is applied until it ends, then only the last one.
        watcher.Publish(Snapshot("file", "b"));
        watcher.Publish(Snapshot("file", "c"));
        Assert.Single(applied);

        time.Advance(Throttle);
        await next.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["file:a", "file:c"], applied);
    }

    [Fact]
    public async Task AnUnchangedConfigurationIsNotAppliedAgainAsync()
    {
        var time = new FakeTimeProvider();
        var count = 0;
        var first = new TaskCompletionSource();
        using var watcher = new ConfigWatcher(TimeSpan.Zero, time, _ =>
        {
            Interlocked.Increment(ref count);
            first.TrySetResult();
            return Task.CompletedTask;
        }, NullLogger.Instance);

        watcher.Publish(Snapshot("file", "a"));
        await first.Task.WaitAsync(TimeSpan.FromSeconds(10));
        watcher.Publish(Snapshot("file", "a"));
        await watcher.ApplyAsync().WaitAsync(TimeSpan.FromSeconds(10));

        // The explicit ApplyAsync is the second apply; the duplicate publish added none.
        Assert.Equal(2, count);
    }

    [Fact]
    public async Task ProvidersAreThrottledIndependentlyAndMergedInNameOrderAsync()
    {
        var time = new FakeTimeProvider();
        var applied = new List<string>();
        using var watcher = new ConfigWatcher(Throttle, time, providers =>
        {
            lock (applied)
            {
                applied.Add(string.Join(",", providers.Select(p => p.Provider)));
            }

            return Task.CompletedTask;
        }, NullLogger.Instance);

        watcher.Publish(Snapshot("file", "a"));
        watcher.Publish(Snapshot("default", "b"));
        await watcher.ApplyAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("default,file", applied[^1]);
    }

    private static ProviderSnapshot Snapshot(string provider, string router) => new(provider, new DynamicConfig
    {
        Http = new HttpConfig { Routers = new Dictionary<string, RouterConfig> { [router] = new() { Rule = "Path(`/`)", Service = "s" } } },
    }, []);

    private static string Describe(DynamicConfig config) => string.Join("+", config.Http!.Routers.Keys);
}
