namespace Portico.Middlewares.Retry;

/// <summary>
/// Counts requests and retries over a sliding window of ten buckets on the injected clock and allows a retry only
/// while retries stay within <c>minRetriesPerSecond × window + ratio × requests</c>. With a ratio of at most 1, retries
/// can never more than double the load a failing service sees, beyond the small constant floor.
/// </summary>
internal sealed class RetryBudget
{
    private const int Buckets = 10;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _bucketSize;
    private readonly double _ratio;
    private readonly double _floor;
    private readonly long[] _ids = new long[Buckets];
    private readonly long[] _requests = new long[Buckets];
    private readonly long[] _retries = new long[Buckets];

    public RetryBudget(RetryBudgetOptions options, TimeProvider time)
    {
        _time = time;
        _ratio = options.Ratio;
        _floor = options.MinRetriesPerSecond * options.Window.TotalSeconds;
        _bucketSize = Math.Max(1, (long)(options.Window.TotalSeconds * time.TimestampFrequency / Buckets));
        Array.Fill(_ids, long.MinValue);
    }

    public void RecordRequest()
    {
        lock (_lock)
        {
            _requests[Current()]++;
        }
    }

    /// <summary>Takes one retry from the budget; false (and nothing taken) when it is spent.</summary>
    public bool TryAcquire()
    {
        lock (_lock)
        {
            var current = Current();
            var id = _ids[current];
            long requests = 0;
            long retries = 0;
            for (var i = 0; i < Buckets; i++)
            {
                if (_ids[i] > id - Buckets)
                {
                    requests += _requests[i];
                    retries += _retries[i];
                }
            }

            if (retries + 1 > _floor + (_ratio * requests))
            {
                return false;
            }

            _retries[current]++;
            return true;
        }
    }

    /// <summary>The index of the bucket for now, emptied first when it last served an older period.</summary>
    private int Current()
    {
        var id = _time.GetTimestamp() / _bucketSize;
        var index = (int)(id % Buckets);
        if (_ids[index] != id)
        {
            _ids[index] = id;
            _requests[index] = 0;
            _retries[index] = 0;
        }

        return index;
    }
}
