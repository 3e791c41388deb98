using System.Collections.Concurrent;
using System.Net;

namespace Portico.Udp;

/// <summary>What the session table needs of a session: when it was last active, and how to end it.</summary>
internal interface IUdpSession
{
    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last datagram in either direction.</summary>
    long LastActivity { get; }

    /// <summary>Releases the session's resources; called once, by whoever removed it from the table.</summary>
    void Close();
}

/// <summary>The outcome of <see cref="UdpSessionTable{TSession}.TryAdd"/>.</summary>
internal enum UdpSessionAdd
{
    Added,

    /// <summary>The table holds its maximum of sessions: the new client is refused, established sessions are kept.</summary>
    Full,

    /// <summary>A session for that client address exists already.</summary>
    Exists,
}

/// <summary>
/// The sessions of one UDP entry point, by client address, with a hard cap. A full table refuses new clients instead of
/// evicting active ones: under a flood of spoofed source addresses, the clients already talking keep their sessions, and
/// memory stays bounded. Lookups are lock-free; idle sessions are removed by <see cref="RemoveIdle"/>.
/// </summary>
internal sealed class UdpSessionTable<TSession>(int capacity)
    where TSession : class, IUdpSession
{
    private readonly ConcurrentDictionary<IPEndPoint, TSession> _sessions = new();
    private int _count;

    public int Capacity { get; } = capacity;

    /// <summary>The number of sessions (kept apart from the dictionary's, whose <c>Count</c> takes every lock).</summary>
    public int Count => Volatile.Read(ref _count);

    public bool TryGet(IPEndPoint client, out TSession session) => _sessions.TryGetValue(client, out session!);

    public UdpSessionAdd TryAdd(IPEndPoint client, TSession session)
    {
        // Reserve a place first, so concurrent adders can never go past the cap together.
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return UdpSessionAdd.Full;
        }

        if (!_sessions.TryAdd(client, session))
        {
            Interlocked.Decrement(ref _count);
            return UdpSessionAdd.Exists;
        }

        return UdpSessionAdd.Added;
    }

    /// <summary>Removes and closes <paramref name="session"/> if it is still the one for <paramref name="client"/>.</summary>
    public bool Remove(IPEndPoint client, TSession session)
    {
        if (!_sessions.TryRemove(new KeyValuePair<IPEndPoint, TSession>(client, session)))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        session.Close();
        return true;
    }

    /// <summary>Removes and closes every session idle for at least <paramref name="timeout"/>; returns how many.</summary>
    public int RemoveIdle(TimeProvider time, TimeSpan timeout)
    {
        var now = time.GetTimestamp();
        var removed = 0;
        foreach (var (client, session) in _sessions)
        {
            if (time.GetElapsedTime(session.LastActivity, now) >= timeout && Remove(client, session))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Removes and closes every session (the entry point is stopping).</summary>
    public void Clear()
    {
        foreach (var (client, session) in _sessions)
        {
            Remove(client, session);
        }
    }
}
