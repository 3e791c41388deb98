using Portico.Cli.Whoami;

namespace Portico.FunctionalTests.Whoami;

public sealed class WaitDurationTests
{
    public static TheoryData<string, string, long> Valid => new()
    {
        { "bare integer is milliseconds", "250", 250 * TimeSpan.TicksPerMillisecond },
        { "milliseconds", "100ms", 100 * TimeSpan.TicksPerMillisecond },
        { "fractional seconds", "1.5s", 1500 * TimeSpan.TicksPerMillisecond },
        { "composite", "1m30s", 90 * TimeSpan.TicksPerSecond },
        { "microseconds", "250us", 250 * TimeSpan.TicksPerMicrosecond },
        { "micro sign", "3µs", 3 * TimeSpan.TicksPerMicrosecond },
        { "nanoseconds", "1000ns", 10 },
        { "zero", "0s", 0 },
        { "longer than the maximum is clamped", "48h", TimeSpan.FromMinutes(10).Ticks },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses(string scenario, string text, long expectedTicks)
    {
        Assert.True(WaitDuration.TryParse(text, out var duration), scenario);
        Assert.Equal(expectedTicks, duration.Ticks);
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("number without unit after a unit", "1s5")]
    [InlineData("unknown unit", "5d")]
    [InlineData("negative", "-1s")]
    [InlineData("unit only", "ms")]
    public void Rejects(string scenario, string text)
    {
        Assert.False(WaitDuration.TryParse(text, out _), scenario);
    }
}
