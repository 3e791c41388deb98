namespace Portico.Middlewares.CircuitBreaker;

/// <summary>A parsed circuit breaker expression: comparisons of a metric with a number, joined by <c>&amp;&amp;</c> and <c>||</c>.</summary>
internal abstract class BreakerCondition
{
    public abstract bool Evaluate(BreakerMetrics metrics);
}

internal enum CompareOperator
{
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
    NotEqual,
}

internal sealed class AndCondition(BreakerCondition[] terms) : BreakerCondition
{
    public override bool Evaluate(BreakerMetrics metrics)
    {
        foreach (var term in terms)
        {
            if (!term.Evaluate(metrics))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrCondition(BreakerCondition[] terms) : BreakerCondition
{
    public override bool Evaluate(BreakerMetrics metrics)
    {
        foreach (var term in terms)
        {
            if (term.Evaluate(metrics))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class Comparison(BreakerMetric metric, CompareOperator op, double value) : BreakerCondition
{
    public override bool Evaluate(BreakerMetrics metrics)
    {
        var actual = metric.Read(metrics);
        return op switch
        {
            CompareOperator.Greater => actual > value,
            CompareOperator.GreaterOrEqual => actual >= value,
            CompareOperator.Less => actual < value,
            CompareOperator.LessOrEqual => actual <= value,
            CompareOperator.Equal => actual == value,
            _ => actual != value,
        };
    }
}

/// <summary>One of oxy's metric functions, read from the rolling window.</summary>
internal abstract class BreakerMetric
{
    public abstract double Read(BreakerMetrics metrics);
}

/// <summary><c>NetworkErrorRatio()</c>: 502 and 504 answers over all answers, as oxy counts them.</summary>
internal sealed class NetworkErrorRatioMetric : BreakerMetric
{
    public override double Read(BreakerMetrics metrics) => metrics.NetworkErrorRatio();
}

/// <summary><c>ResponseCodeRatio(a, b, c, d)</c>: answers in [a, b) over answers in [c, d); 0 when there are none in [c, d).</summary>
internal sealed class ResponseCodeRatioMetric(int numerator, int denominator) : BreakerMetric
{
    public override double Read(BreakerMetrics metrics) => metrics.RangeRatio(numerator, denominator);
}

/// <summary><c>LatencyAtQuantileMS(q)</c>: the q-th percentile of the latency in whole milliseconds.</summary>
internal sealed class LatencyAtQuantileMetric(double quantile) : BreakerMetric
{
    public override double Read(BreakerMetrics metrics) => metrics.LatencyAtQuantileMilliseconds(quantile);
}
