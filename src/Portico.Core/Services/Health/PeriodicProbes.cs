namespace Portico.Services.Health;

/// <summary>
/// The scheduling shared by the HTTP and TCP active health checkers: one timer per server on the injected clock,
/// every <c>interval</c> while the server is up and every <c>unhealthyInterval</c> while it is down; the first probe runs
/// one interval after <see cref="Start"/> (Traefik's behaviour); a probe that does not finish within <c>timeout</c>
/// fails. What a probe is, and what a verdict changes, belong to the checker.
/// </summary>
internal sealed class PeriodicProbes : IAsyncDisposable, IDisposable
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan _unhealthyInterval;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Func<int, CancellationToken, Task<string?>> _probe;
    private readonly Action<int, string?> _record;
    private readonly Action<int, bool> _completed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];
    private ITimer?[] _timers;
    private bool _started;
    private bool _disposed;

    /// <param name="probe">Checks the server at an index: null when healthy, otherwise why not.</param>
    /// <param name="record">Applies a verdict (null: healthy) before the server's next probe is scheduled.</param>
    /// <param name="completed">Runs after the next probe is scheduled, so whoever awaits it can move the clock on.</param>
    public PeriodicProbes(int count, TimeSpan interval, TimeSpan unhealthyInterval, TimeSpan timeout, TimeProvider time,
        Func<int, CancellationToken, Task<string?>> probe, Action<int, string?> record, Action<int, bool> completed)
    {
        _interval = interval;
        _unhealthyInterval = unhealthyInterval;
        _timeout = timeout;
        _time = time;
        _probe = probe;
        _record = record;
        _completed = completed;
        _timers = new ITimer?[count];
    }

    /// <summary>Arms one timer per server. Idempotent.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started || _disposed)
            {
                return;
            }

            _started = true;
            for (var i = 0; i < _timers.Length; i++)
            {
                _timers[i] = _time.CreateTimer(static state => ((Slot)state!).Fire(), new Slot(this, i), _interval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var timer in _timers)
            {
                timer?.Dispose();
            }

            _timers = [];
        }

        _stopping.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        Dispose();
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        // Probes in flight observe the cancellation; wait for them so nothing touches the servers afterwards.
        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(int index)
    {
        string? failure;

        // The timeout runs on the injected clock, like the intervals.
        using (var deadline = new CancellationTokenSource(_timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token))
        {
            try
            {
                failure = await _probe(index, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !_stopping.IsCancellationRequested)
            {
                failure = $"no answer within the timeout of {_timeout}";
            }
            catch (Exception ex)
            {
                // A probe never kills its timer loop: anything unexpected is a failed check.
                failure = ex.Message;
            }
        }

        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var healthy = failure is null;
        _record(index, failure);
        lock (_gate)
        {
            if (!_disposed)
            {
                _timers[index]?.Change(healthy ? _interval : _unhealthyInterval, Timeout.InfiniteTimeSpan);
            }
        }

        _completed(index, healthy);
    }

    private sealed class Slot(PeriodicProbes owner, int index)
    {
        public void Fire()
        {
            var task = owner.RunAsync(index);
            lock (owner._gate)
            {
                owner._running.RemoveAll(static t => t.IsCompleted);
                owner._running.Add(task);
            }
        }
    }
}
