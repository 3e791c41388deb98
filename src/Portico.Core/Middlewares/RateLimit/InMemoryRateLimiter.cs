namespace Portico.Middlewares.RateLimit;

/// <summary>
/// Buckets in this process, one per source, like Traefik's TTL map: a bucket idle for the bucket's ttl is forgotten
/// (a returning source starts with a full bucket), and at most <see cref="MaxSources"/> are kept, the least recently
/// used going first. Every bucket has the same ttl, so recency order is also expiry order and one intrusive list serves
/// both; a request for a known source allocates nothing.
/// </summary>
internal sealed class InMemoryRateLimiter : IRateLimiter
{
    public const int MaxSources = 65536;

    private readonly TokenBucket _bucket;
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly long _ttl;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Entry? _oldest;
    private Entry? _newest;

    public InMemoryRateLimiter(TokenBucket bucket, TimeProvider time, int capacity = MaxSources)
    {
        _bucket = bucket;
        _time = time;
        _capacity = capacity;
        _ttl = bucket.TtlSeconds * time.TimestampFrequency;
    }

    /// <summary>Buckets currently kept (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask<TimeSpan> TakeAsync(string source, CancellationToken cancellationToken) => new(Take(source));

    public TimeSpan Take(string source)
    {
        lock (_gate)
        {
            // Read under the lock and never behind the bucket: a time older than the bucket's would credit an interval twice.
            var now = _time.GetTimestamp();
            if (!_entries.TryGetValue(source, out var entry) || entry.ExpiresAt <= now)
            {
                entry ??= Add(source, now);
                entry.Tokens = _bucket.Burst;
                entry.Last = now;
            }

            now = Math.Max(now, entry.Last);
            var wait = _bucket.Take(ref entry.Tokens, (now - entry.Last) / (double)_time.TimestampFrequency);
            entry.Last = now;
            entry.ExpiresAt = now + _ttl;
            MoveToNewest(entry);
            return wait;
        }
    }

    private Entry Add(string source, long now)
    {
        while (_oldest is not null && (_oldest.ExpiresAt <= now || _entries.Count >= _capacity))
        {
            _entries.Remove(_oldest.Source);
            Unlink(_oldest);
        }

        var entry = new Entry(source);
        _entries.Add(source, entry);
        return entry;
    }

    private void MoveToNewest(Entry entry)
    {
        if (_newest == entry)
        {
            return;
        }

        Unlink(entry);
        entry.Older = _newest;
        if (_newest is not null)
        {
            _newest.Newer = entry;
        }

        _newest = entry;
        _oldest ??= entry;
    }

    private void Unlink(Entry entry)
    {
        if (entry.Older is not null)
        {
            entry.Older.Newer = entry.Newer;
        }
        else if (_oldest == entry)
        {
            _oldest = entry.Newer;
        }

        if (entry.Newer is not null)
        {
            entry.Newer.Older = entry.Older;
        }
        else if (_newest == entry)
        {
            _newest = entry.Older;
        }

        entry.Older = null;
        entry.Newer = null;
    }

    private sealed class Entry(string source)
    {
        public readonly string Source = source;
        public double Tokens;
        public long Last;
        public long ExpiresAt;
        public Entry? Older;
        public Entry? Newer;
    }
}
