using Portico.Configuration.Parsing;

namespace Portico.Tests.Configuration.Parsing;

public sealed class GoDurationTests
{
    public static TheoryData<string, string, double> Valid => new()
    {
        { "zero", "0", 0 },
        { "bare integer is seconds", "10", 10_000 },
        { "negative bare integer", "-5", -5_000 },
        { "seconds", "30s", 30_000 },
        { "milliseconds", "100ms", 100 },
        { "fraction", "1.5s", 1_500 },
        { "leading dot", ".5s", 500 },
        { "compound", "1h30m", 5_400_000 },
        { "compound with seconds", "1h2m3s", 3_723_000 },
        { "negative", "-1s", -1_000 },
        { "explicit plus", "+2m", 120_000 },
        { "microseconds", "1500us", 1.5 },
        { "micro sign", "1000µs", 1 },
        { "nanoseconds", "1000000ns", 1 },
        { "zero with unit", "0s", 0 },
        { "hours", "2160h", 7_776_000_000 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses(string scenario, string text, double expectedMilliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value), scenario);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), value);
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("unit only", "s")]
    [InlineData("unknown unit", "10d")]
    [InlineData("missing unit after number", "1h30")]
    [InlineData("bare fraction is not seconds", "1.5")]
    [InlineData("sign only", "-")]
    [InlineData("words", "ten seconds")]
    [InlineData("double dot", "1..5s")]
    [InlineData("overflow", "99999999999999999999h")]
    public void Rejects(string scenario, string text)
    {
        Assert.False(GoDuration.TryParse(text, out _), scenario);
    }
}
