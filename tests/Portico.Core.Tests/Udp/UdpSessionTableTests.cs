using System.Net;
using Portico.Udp;

namespace Portico.Tests.Udp;

public sealed class UdpSessionTableTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    [Fact]
    public void AFullTableRefusesNewClientsAndKeepsTheEstablishedOnes()
    {
        var time = new FakeTimeProvider();
        var table = new UdpSessionTable<Session>(capacity: 2);
        var first = new Session(time);
        var second = new Session(time);

        Assert.Equal(UdpSessionAdd.Added, table.TryAdd(Client(1), first));
        Assert.Equal(UdpSessionAdd.Added, table.TryAdd(Client(2), second));
        Assert.Equal(UdpSessionAdd.Full, table.TryAdd(Client(3), new Session(time)));

        Assert.Equal(2, table.Count);
        Assert.True(table.TryGet(Client(1), out var found) && ReferenceEquals(first, found));
        Assert.False(table.TryGet(Client(3), out _));
        Assert.False(first.Closed || second.Closed);
    }

    [Fact]
    public void ASecondSessionForTheSameClientIsRefusedWithoutTakingAPlace()
    {
        var time = new FakeTimeProvider();
        var table = new UdpSessionTable<Session>(capacity: 2);
        table.TryAdd(Client(1), new Session(time));

        Assert.Equal(UdpSessionAdd.Exists, table.TryAdd(Client(1), new Session(time)));
        Assert.Equal(1, table.Count);
        Assert.Equal(UdpSessionAdd.Added, table.TryAdd(Client(2), new Session(time)));
    }

    [Theory]
    [InlineData("just before the timeout", 2_999, false)]
    [InlineData("at the timeout", 3_000, true)]
    [InlineData("long after", 60_000, true)]
    public void IdleSessionsAreRemovedAndClosedOnceTheTimeoutHasPassed(string scenario, int idleMilliseconds, bool expired)
    {
        var time = new FakeTimeProvider();
        var table = new UdpSessionTable<Session>(capacity: 10);
        var session = new Session(time);
        table.TryAdd(Client(1), session);

        time.Advance(TimeSpan.FromMilliseconds(idleMilliseconds));
        var removed = table.RemoveIdle(time, Timeout);

        Assert.True(expired == (removed == 1), scenario);
        Assert.Equal(expired, session.Closed);
        Assert.Equal(expired ? 0 : 1, table.Count);
    }

    [Fact]
    public void ActivityKeepsASessionAliveAndExpiryFreesItsPlace()
    {
        var time = new FakeTimeProvider();
        var table = new UdpSessionTable<Session>(capacity: 1);
        var busy = new Session(time);
        table.TryAdd(Client(1), busy);

        time.Advance(TimeSpan.FromSeconds(2));
        busy.Touch();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, table.RemoveIdle(time, Timeout));
        Assert.Equal(UdpSessionAdd.Full, table.TryAdd(Client(2), new Session(time)));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, table.RemoveIdle(time, Timeout));
        Assert.Equal(UdpSessionAdd.Added, table.TryAdd(Client(2), new Session(time)));
    }

    [Fact]
    public void RemoveOnlyRemovesTheSameSession()
    {
        var time = new FakeTimeProvider();
        var table = new UdpSessionTable<Session>(capacity: 10);
        var current = new Session(time);
        table.TryAdd(Client(1), current);

        Assert.False(table.Remove(Client(1), new Session(time)));
        Assert.False(current.Closed);
        Assert.True(table.Remove(Client(1), current));
        Assert.True(current.Closed);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void ClearClosesEverySession()
    {
        var time = new FakeTimeProvider();
        var table = new UdpSessionTable<Session>(capacity: 10);
        var sessions = Enumerable.Range(1, 5).Select(_ => new Session(time)).ToArray();
        for (var i = 0; i < sessions.Length; i++)
        {
            table.TryAdd(Client(i + 1), sessions[i]);
        }

        table.Clear();

        Assert.Equal(0, table.Count);
        Assert.All(sessions, s => Assert.True(s.Closed));
    }

    [Fact]
    public void ConcurrentAddersNeverGoPastTheCap()
    {
        var time = new FakeTimeProvider();
        var table = new UdpSessionTable<Session>(capacity: 100);

        Parallel.For(1, 5_001, i => table.TryAdd(Client(i), new Session(time)));

        Assert.Equal(100, table.Count);
    }

    private static IPEndPoint Client(int n) => new(IPAddress.Loopback, n);

    private sealed class Session(TimeProvider time) : IUdpSession
    {
        public long LastActivity { get; private set; } = time.GetTimestamp();

        public bool Closed { get; private set; }

        public void Touch() => LastActivity = time.GetTimestamp();

        public void Close() => Closed = true;
    }
}
