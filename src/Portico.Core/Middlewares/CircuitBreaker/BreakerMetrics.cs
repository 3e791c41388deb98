namespace Portico.Middlewares.CircuitBreaker;

/// <summary>
/// The rolling window the expression reads, as oxy's <c>RTMetrics</c>: counters over ten one-second buckets (all
/// answers, 502/504 answers, and one counter per status range the expression uses) and, only when the expression
/// reads latency, a latency histogram over six ten-second periods. Time comes from the injected clock.
/// </summary>
internal sealed class BreakerMetrics
{
    private const int Buckets = 10;
    private const int Total = 0;
    private const int NetworkErrors = 1;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _bucketSize;
    private readonly (int From, int To)[] _ranges;
    private readonly int _counters;
    private readonly long[] _ids = new long[Buckets];
    private readonly long[] _counts;
    private readonly LatencyHistogram? _latency;

    public BreakerMetrics(IReadOnlyList<(int From, int To)> ranges, bool withLatency, TimeProvider time)
    {
        _time = time;
        _ranges = [.. ranges];
        _counters = 2 + _ranges.Length;
        _counts = new long[Buckets * _counters];
        _bucketSize = time.TimestampFrequency;
        _latency = withLatency ? new LatencyHistogram(time) : null;
        Array.Fill(_ids, long.MinValue);
    }

    public void Record(int status, TimeSpan latency)
    {
        lock (_lock)
        {
            var offset = Current() * _counters;
            _counts[offset + Total]++;
            if (status is 502 or 504)
            {
                _counts[offset + NetworkErrors]++;
            }

            for (var i = 0; i < _ranges.Length; i++)
            {
                if (status >= _ranges[i].From && status < _ranges[i].To)
                {
                    _counts[offset + 2 + i]++;
                }
            }

            _latency?.Record(latency);
        }
    }

    /// <summary>Forgets everything, as oxy does when the breaker trips.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            Array.Fill(_ids, long.MinValue);
            Array.Clear(_counts);
            _latency?.Reset();
        }
    }

    public double NetworkErrorRatio()
    {
        lock (_lock)
        {
            var total = Sum(Total);
            return total == 0 ? 0 : (double)Sum(NetworkErrors) / total;
        }
    }

    public double RangeRatio(int numerator, int denominator)
    {
        lock (_lock)
        {
            var b = Sum(2 + denominator);
            return b == 0 ? 0 : (double)Sum(2 + numerator) / b;
        }
    }

    public double LatencyAtQuantileMilliseconds(double quantile)
    {
        lock (_lock)
        {
            return _latency is null ? 0 : _latency.ValueAtQuantileMicroseconds(quantile) / 1000;
        }
    }

    private long Sum(int counter)
    {
        var current = _time.GetTimestamp() / _bucketSize;
        long sum = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (_ids[i] > current - Buckets && _ids[i] <= current)
            {
                sum += _counts[(i * _counters) + counter];
            }
        }

        return sum;
    }

    private int Current()
    {
        var id = _time.GetTimestamp() / _bucketSize;
        var index = (int)(id % Buckets);
        if (_ids[index] != id)
        {
            _ids[index] = id;
            Array.Clear(_counts, index * _counters, _counters);
        }

        return index;
    }
}
