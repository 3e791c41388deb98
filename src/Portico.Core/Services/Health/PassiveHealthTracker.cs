using Portico.Configuration.Dynamic;
using Portico.Forwarding;
using Portico.Services.LoadBalancing;

namespace Portico.Services.Health;

/// <summary>
/// Traefik <c>passiveHealthCheck</c>: counts successive failed forwards per server; <c>maxFailedAttempts</c> failures
/// within <c>failureWindow</c> take the server out for <c>failureWindow</c>, after which it is tried again.
/// A failure is a forwarding error on the backend side or a 5xx answer; a success resets the count.
/// </summary>
internal sealed class PassiveHealthTracker : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly int _maxFailures;
    private readonly Entry[] _entries;
    private bool _disposed;

    public PassiveHealthTracker(PassiveHealthCheckConfig config, ServerState[] servers, TimeProvider time)
    {
        _time = time;
        _window = config.FailureWindow > TimeSpan.Zero ? config.FailureWindow : TimeSpan.FromSeconds(10);
        _maxFailures = Math.Max(1, config.MaxFailedAttempts);
        _entries = new Entry[servers.Length];
        for (var i = 0; i < servers.Length; i++)
        {
            _entries[i] = new Entry(servers[i], time);
        }
    }

    /// <summary>Whether a forward counts against the server: the backend failed, not the client.</summary>
    public static bool IsFailure(ProxyError error, int statusCode) => error switch
    {
        ProxyError.None => statusCode >= 500,
        ProxyError.RequestCanceled or ProxyError.RequestBodyClient or ProxyError.ResponseBodyClient => false,
        _ => true,
    };

    /// <summary>Whether the outcome says anything about the server (client-side failures are neutral).</summary>
    public static bool IsNeutral(ProxyError error) =>
        error is ProxyError.RequestCanceled or ProxyError.RequestBodyClient or ProxyError.ResponseBodyClient;

    public void Record(int serverIndex, ProxyError error, int statusCode)
    {
        if (IsNeutral(error))
        {
            return;
        }

        var entry = _entries[serverIndex];
        var failed = IsFailure(error, statusCode);
        if (!failed)
        {
            // Reading before locking keeps the success path (nearly every request) lock-free.
            if (Volatile.Read(ref entry.Failures) != 0)
            {
                lock (entry)
                {
                    entry.Failures = 0;
                }
            }

            return;
        }

        var now = _time.GetTimestamp();
        lock (entry)
        {
            if (_disposed || !entry.Server.PassiveHealthy)
            {
                return;
            }

            if (entry.Failures == 0 || _time.GetElapsedTime(entry.WindowStart, now) > _window)
            {
                entry.Failures = 0;
                entry.WindowStart = now;
            }

            entry.Failures++;
            if (entry.Failures < _maxFailures)
            {
                return;
            }

            entry.Failures = 0;
            entry.Timer?.Dispose();
            entry.Timer = _time.CreateTimer(static state => ((PassiveHealthTracker.Entry)state!).Restore(), entry, _window, Timeout.InfiniteTimeSpan);
        }

        entry.Server.SetPassiveHealthy(false, now);
    }

    public void Dispose()
    {
        foreach (var entry in _entries)
        {
            lock (entry)
            {
                _disposed = true;
                entry.Timer?.Dispose();
                entry.Timer = null;
            }
        }
    }

    private sealed class Entry(ServerState server, TimeProvider time)
    {
        public readonly ServerState Server = server;
        public int Failures;
        public long WindowStart;
        public ITimer? Timer;

        public void Restore()
        {
            lock (this)
            {
                Timer?.Dispose();
                Timer = null;
                Failures = 0;
            }

            Server.SetPassiveHealthy(true, time.GetTimestamp());
        }
    }
}
