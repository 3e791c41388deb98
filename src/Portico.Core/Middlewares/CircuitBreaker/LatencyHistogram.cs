using System.Numerics;

namespace Portico.Middlewares.CircuitBreaker;

/// <summary>
/// A rolling latency histogram in microseconds shaped like oxy's HDR histogram (about two significant figures, up to one
/// hour): values below 256 µs are exact, larger ones fall in 128 linear sub-buckets per power of two (under 1% error).
/// Six sub-histograms of ten seconds each roll on the injected clock. Not thread-safe: <see cref="BreakerMetrics"/> locks.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Periods = 6;
    private const int SubBuckets = 128;
    private const long MaxMicroseconds = 3_600_000_000;
    private static readonly int Size = IndexOf(MaxMicroseconds) + 1;

    private readonly TimeProvider _time;
    private readonly long _periodSize;
    private readonly long[] _ids = new long[Periods];
    private readonly int[][] _counts = new int[Periods][];

    public LatencyHistogram(TimeProvider time)
    {
        _time = time;
        _periodSize = time.TimestampFrequency * 10;
        Array.Fill(_ids, long.MinValue);
    }

    public void Record(TimeSpan latency)
    {
        var micros = Math.Clamp(latency.Ticks / 10, 1, MaxMicroseconds);
        var id = _time.GetTimestamp() / _periodSize;
        var index = (int)(id % Periods);
        var counts = _counts[index] ??= new int[Size];
        if (_ids[index] != id)
        {
            _ids[index] = id;
            Array.Clear(counts);
        }

        counts[IndexOf(micros)]++;
    }

    public void Reset() => Array.Fill(_ids, long.MinValue);

    /// <summary>HDR's ValueAtQuantile: the highest value of the bucket where the cumulative count reaches q% of the total.</summary>
    public long ValueAtQuantileMicroseconds(double quantile)
    {
        var current = _time.GetTimestamp() / _periodSize;
        long total = 0;
        for (var p = 0; p < Periods; p++)
        {
            if (Live(p, current))
            {
                foreach (var count in _counts[p])
                {
                    total += count;
                }
            }
        }

        if (total == 0)
        {
            return 0;
        }

        var target = Math.Max(1, (long)((Math.Min(quantile, 100) / 100 * total) + 0.5));
        long seen = 0;
        for (var i = 0; i < Size; i++)
        {
            for (var p = 0; p < Periods; p++)
            {
                if (Live(p, current))
                {
                    seen += _counts[p][i];
                }
            }

            if (seen >= target)
            {
                return HighestValueAt(i);
            }
        }

        return MaxMicroseconds;
    }

    internal static int IndexOf(long value)
    {
        if (value < 2 * SubBuckets)
        {
            return (int)value;
        }

        var shift = (63 - BitOperations.LeadingZeroCount((ulong)value)) - 7;
        return (2 * SubBuckets) + ((shift - 1) * SubBuckets) + (int)((value >> shift) - SubBuckets);
    }

    internal static long HighestValueAt(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var shift = ((index - (2 * SubBuckets)) / SubBuckets) + 1;
        var sub = ((index - (2 * SubBuckets)) % SubBuckets) + SubBuckets;
        return ((long)sub << shift) + (1L << shift) - 1;
    }

    private bool Live(int period, long current) => _counts[period] is not null && _ids[period] > current - Periods && _ids[period] <= current;
}
