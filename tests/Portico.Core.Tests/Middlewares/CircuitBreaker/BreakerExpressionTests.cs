using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;
using Portico.Middlewares.CircuitBreaker;

namespace Portico.Tests.Middlewares.CircuitBreaker;

public sealed class BreakerExpressionTests
{
    /// <summary>Answers recorded in the window: ten 200s, three 502s, one 504, two 404s, four 500s (20 answers).</summary>
    private static BreakerMetrics Sample(ParsedBreakerExpression expression, TimeProvider time)
    {
        var metrics = new BreakerMetrics(expression.Ranges, expression.UsesLatency, time);
        void Add(int status, int count, int ms)
        {
            for (var i = 0; i < count; i++)
            {
                metrics.Record(status, TimeSpan.FromMilliseconds(ms));
            }
        }

        Add(200, 10, 10);
        Add(502, 3, 100);
        Add(504, 1, 100);
        Add(404, 2, 10);
        Add(500, 4, 300);
        return metrics;
    }

    [Theory]
    [InlineData("network errors are 502 and 504", "NetworkErrorRatio() > 0.19", true)]
    [InlineData("network error ratio is exactly 0.2", "NetworkErrorRatio() == 0.2", true)]
    [InlineData("network error ratio below", "NetworkErrorRatio() > 0.2", false)]
    [InlineData("5xx over all is 8/20", "ResponseCodeRatio(500, 600, 0, 600) >= 0.4", true)]
    [InlineData("ranges are half-open: 500-502 holds only 500", "ResponseCodeRatio(500, 502, 0, 600) == 0.2", true)]
    [InlineData("empty denominator range gives 0", "ResponseCodeRatio(500, 600, 300, 400) == 0", true)]
    [InlineData("4xx over 2xx..4xx", "ResponseCodeRatio(400, 500, 200, 500) != 0", true)]
    [InlineData("median latency", "LatencyAtQuantileMS(50.0) == 10", true)]
    [InlineData("p90 latency", "LatencyAtQuantileMS(90.0) >= 299 && LatencyAtQuantileMS(90.0) <= 303", true)]
    [InlineData("p100 latency", "LatencyAtQuantileMS(100) < 303", true)]
    [InlineData("and needs both", "NetworkErrorRatio() > 0.1 && LatencyAtQuantileMS(50.0) > 100", false)]
    [InlineData("or needs one", "NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) < 100", true)]
    [InlineData("&& binds tighter than ||", "NetworkErrorRatio() > 0.1 || NetworkErrorRatio() > 0.5 && NetworkErrorRatio() > 0.9", true)]
    [InlineData("parentheses group", "(NetworkErrorRatio() > 0.1 || NetworkErrorRatio() > 0.5) && NetworkErrorRatio() > 0.9", false)]
    [InlineData("spaces are optional", "NetworkErrorRatio()>0.1&&ResponseCodeRatio(500,600,0,600)<0.5", true)]
    public void EvaluatesOxysFunctionsOverTheWindow(string scenario, string expression, bool expected)
    {
        var parsed = BreakerExpressionParser.Parse(expression);
        var metrics = Sample(parsed, new FakeTimeProvider());

        Assert.True(expected == parsed.Condition.Evaluate(metrics), scenario);
    }

    [Fact]
    public void TheWindowForgetsAnswersAfterTenSeconds()
    {
        var time = new FakeTimeProvider();
        var parsed = BreakerExpressionParser.Parse("NetworkErrorRatio() > 0.5");
        var metrics = new BreakerMetrics(parsed.Ranges, parsed.UsesLatency, time);

        metrics.Record(502, TimeSpan.Zero);
        time.Advance(TimeSpan.FromSeconds(5));
        metrics.Record(200, TimeSpan.Zero);
        Assert.Equal(0.5, metrics.NetworkErrorRatio());

        // The 502 was counted in the bucket of second 0, which leaves the ten one-second buckets at second 10.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, metrics.NetworkErrorRatio());
    }

    [Theory]
    [InlineData("empty function", "> 0.5", "column 1: expected a function")]
    [InlineData("unknown function", "ErrorRatio() > 0.5", "column 1: unknown function \"ErrorRatio\"")]
    [InlineData("missing comparison", "NetworkErrorRatio()", "column 20: expected a comparison")]
    [InlineData("missing number", "NetworkErrorRatio() > ", "column 23: expected a number to compare with")]
    [InlineData("wrong argument count", "ResponseCodeRatio(500, 600) > 0.5", "column 1: ResponseCodeRatio takes 4 arguments, got 2")]
    [InlineData("fractional status", "ResponseCodeRatio(500.5, 600, 0, 600) > 0.5", "column 19: ResponseCodeRatio takes whole status codes")]
    [InlineData("quantile out of range", "LatencyAtQuantileMS(150) > 10", "column 21: LatencyAtQuantileMS takes a percentile")]
    [InlineData("unclosed parenthesis", "(NetworkErrorRatio() > 0.5", "column 27: expected \")\"")]
    [InlineData("single ampersand", "NetworkErrorRatio() > 0.5 & NetworkErrorRatio() > 0.1", "column 27: unexpected \"& NetworkErrorRatio() > 0.1\"")]
    [InlineData("word operators are not Go", "NetworkErrorRatio() > 0.5 AND NetworkErrorRatio() > 0.1", "column 27: unexpected")]
    public void SyntaxErrorsAreConfigErrorsWithTheColumn(string scenario, string expression, string expected)
    {
        var errors = new List<ConfigError>();
        var node = YamlConfigReader.Read($"circuitBreaker:\n  expression: \"{expression}\"", "test.yml", errors)!;
        Assert.True(MiddlewareRegistry.Default.TryGet("circuitBreaker", out var factory));

        var built = factory.Create(new MiddlewareContext { Name = "cb@file", TypeName = "circuitBreaker", Options = node.Entries[0].Value, Errors = errors });

        Assert.Null(built);
        var error = Assert.Single(errors);
        Assert.Equal("middleware \"cb@file\"", error.Item);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{scenario}: {error.Message}");
        Assert.Equal(2, error.Location.Line);
    }

    [Theory]
    [InlineData("no expression", "circuitBreaker: {}", "circuitBreaker needs an expression")]
    [InlineData("bad response code", "circuitBreaker:\n  expression: \"NetworkErrorRatio() > 0.5\"\n  responseCode: 42", "responseCode must be an HTTP status")]
    [InlineData("bad duration", "circuitBreaker:\n  expression: \"NetworkErrorRatio() > 0.5\"\n  checkPeriod: soon", "checkPeriod")]
    public void BadOptionsAreErrors(string scenario, string yaml, string expected)
    {
        var errors = new List<ConfigError>();
        var node = YamlConfigReader.Read(yaml, "test.yml", errors)!;
        Assert.True(MiddlewareRegistry.Default.TryGet("circuitBreaker", out var factory));

        var built = factory.Create(new MiddlewareContext { Name = "cb@file", TypeName = "circuitBreaker", Options = node.Entries[0].Value, Errors = errors });

        Assert.Null(built);
        Assert.True(errors.Any(e => e.Message.Contains(expected, StringComparison.Ordinal)), $"{scenario}: {string.Join("; ", errors)}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(1000)]
    [InlineData(123_456)]
    [InlineData(3_599_999_999)]
    public void HistogramBucketsHoldTheirValueWithinOnePercent(long micros)
    {
        var high = LatencyHistogram.HighestValueAt(LatencyHistogram.IndexOf(micros));

        Assert.InRange(high, micros, micros + Math.Max(0, micros / 100));
    }
}
