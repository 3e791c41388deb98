namespace Portico.Middlewares.InFlightReq;

/// <summary>
/// In-flight requests per source. A source's entry exists only while it has requests in flight, so memory is bounded
/// by concurrency, not by how many sources were ever seen.
/// </summary>
internal sealed class InFlightCounters(long amount)
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Sources with at least one request in flight (for tests and the API).</summary>
    public int Sources
    {
        get
        {
            lock (_counts)
            {
                return _counts.Count;
            }
        }
    }

    /// <summary>Counts one more request for <paramref name="source"/>, unless it already has <c>amount</c> in flight.</summary>
    public bool TryAcquire(string source)
    {
        lock (_counts)
        {
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, source, out var existed);
            if (count >= amount)
            {
                if (!existed)
                {
                    _counts.Remove(source);
                }

                return false;
            }

            count++;
            return true;
        }
    }

    public void Release(string source)
    {
        lock (_counts)
        {
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_counts, source);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
            {
                return;
            }

            if (--count <= 0)
            {
                _counts.Remove(source);
            }
        }
    }
}
