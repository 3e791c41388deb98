using Microsoft.Extensions.Logging;
using Portico.Configuration.Parsing;

namespace Portico.Providers;

/// <summary>
/// Keeps the latest configuration of every provider and applies the merged set. Each provider is throttled as
/// Traefik's <c>providersThrottleDuration</c> does: a change passes at once, then further changes from the same
/// provider wait until the window ends and only the latest of them is applied. Unchanged configurations are dropped.
/// </summary>
internal sealed partial class ConfigWatcher : IDisposable
{
    private readonly TimeSpan _throttle;
    private readonly TimeProvider _time;
    private readonly Func<IReadOnlyList<ProviderSnapshot>, Task> _apply;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ProviderState> _providers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private bool _disposed;

    public ConfigWatcher(TimeSpan throttle, TimeProvider time, Func<IReadOnlyList<ProviderSnapshot>, Task> apply, ILogger logger)
    {
        _throttle = throttle;
        _time = time;
        _apply = apply;
        _logger = logger;
    }

    /// <summary>Receives a provider's new configuration. Thread-safe; never blocks on the apply.</summary>
    public void Publish(ProviderSnapshot snapshot)
    {
        bool applyNow;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (!_providers.TryGetValue(snapshot.Provider, out var state))
            {
                state = new ProviderState();
                _providers[snapshot.Provider] = state;
            }

            if (state.Applied is not null && SameAs(state.Applied, snapshot))
            {
                state.Pending = null;
                LogUnchanged(_logger, snapshot.Provider);
                return;
            }

            if (state.Timer is not null)
            {
                state.Pending = snapshot;
                return;
            }

            state.Applied = snapshot;
            state.Timer = StartWindow(snapshot.Provider);
            applyNow = true;
        }

        if (applyNow)
        {
            _ = ApplyAsync();
        }
    }

    /// <summary>Applies the current set of latest configurations (also used once at start-up with no provider).</summary>
    public async Task ApplyAsync()
    {
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            List<ProviderSnapshot> latest;
            lock (_lock)
            {
                latest = new List<ProviderSnapshot>(_providers.Count);
                foreach (var state in _providers.Values)
                {
                    if (state.Applied is not null)
                    {
                        latest.Add(state.Applied);
                    }
                }
            }

            latest.Sort((a, b) => string.CompareOrdinal(a.Provider, b.Provider));
            await _apply(latest).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug in building must never stop the watcher: the previous configuration stays live.
            LogApplyFailed(_logger, ex);
        }
        finally
        {
            _applyGate.Release();
        }
    }

    private ITimer? StartWindow(string provider)
    {
        if (_throttle <= TimeSpan.Zero)
        {
            return null;
        }

        return _time.CreateTimer(_ => OnWindowEnd(provider), null, _throttle, Timeout.InfiniteTimeSpan);
    }

    private void OnWindowEnd(string provider)
    {
        bool applyNow = false;
        lock (_lock)
        {
            if (_disposed || !_providers.TryGetValue(provider, out var state))
            {
                return;
            }

            state.Timer?.Dispose();
            state.Timer = null;
            if (state.Pending is not null)
            {
                state.Applied = state.Pending;
                state.Pending = null;
                state.Timer = StartWindow(provider);
                applyNow = true;
            }
        }

        if (applyNow)
        {
            _ = ApplyAsync();
        }
    }

    private static bool SameAs(ProviderSnapshot a, ProviderSnapshot b) =>
        ConfigEquality.DeepEquals(a.Config, b.Config) && a.Errors.SequenceEqual(b.Errors);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var state in _providers.Values)
            {
                state.Timer?.Dispose();
            }
        }
    }

    private sealed class ProviderState
    {
        public ProviderSnapshot? Applied { get; set; }

        public ProviderSnapshot? Pending { get; set; }

        public ITimer? Timer { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipping unchanged configuration from provider {Provider}")]
    private static partial void LogUnchanged(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying the configuration failed; the previous configuration stays live")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);
}
