namespace Portico.FunctionalTests.Api;

/// <summary>The API writes durations as Go does, like Traefik's API (expected values from Go's <c>time.Duration.String()</c>).</summary>
public sealed class GoDurationFormatTests
{
    public static TheoryData<string, TimeSpan, string> Durations => new()
    {
        { "zero", TimeSpan.Zero, "0s" },
        { "nanoseconds", TimeSpan.FromTicks(2), "200ns" },
        { "fractional microseconds", TimeSpan.FromTicks(15), "1.5µs" },
        { "milliseconds", TimeSpan.FromMilliseconds(100), "100ms" },
        { "fractional milliseconds", TimeSpan.FromTicks(12_345), "1.2345ms" },
        { "seconds", TimeSpan.FromSeconds(10), "10s" },
        { "fractional seconds", TimeSpan.FromMilliseconds(1500), "1.5s" },
        { "a minute", TimeSpan.FromSeconds(60), "1m0s" },
        { "Traefik's idle timeout", TimeSpan.FromSeconds(180), "3m0s" },
        { "an hour", TimeSpan.FromHours(1), "1h0m0s" },
        { "everything", new TimeSpan(0, 1, 2, 3, 500), "1h2m3.5s" },
        { "more than a day", TimeSpan.FromHours(25), "25h0m0s" },
        { "negative", TimeSpan.FromSeconds(-5), "-5s" },
    };

    [Theory]
    [MemberData(nameof(Durations))]
    public void FormatsLikeGo(string scenario, TimeSpan value, string expected)
    {
        Assert.True(expected == Portico.Configuration.Parsing.GoDuration.Format(value), $"{scenario}: {Portico.Configuration.Parsing.GoDuration.Format(value)}");
    }
}
