using System.Diagnostics;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>
/// A bounded wait for a condition that no event announces (a health probe's verdict seen through the API). It checks,
/// yields briefly and checks again until the condition holds or the deadline passes, so a test never sleeps a fixed time.
/// </summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        await UntilAsync(() => Task.FromResult(condition()), what, timeout);
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        var watch = Stopwatch.StartNew();
        while (!await condition().WaitAsync(PorticoHost.Timeout))
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#}s waiting for {what}");
            }

            // A short pause between checks of state that changes on a timer elsewhere (probe intervals of 100 ms).
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }
}
