using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>
/// Records every log message of a router under test (and echoes warnings to the shared console logger), so a test can
/// assert what was logged and await a message announcing something that changes no configuration (a broken file).
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly List<(string Text, TaskCompletionSource<string> Done)> _waiters = [];
    private readonly Lock _gate = new();

    public CapturingLoggerProvider()
    {
        Factory = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Debug);
            builder.AddProvider(this);
        });
    }

    public ILoggerFactory Factory { get; }

    public IReadOnlyCollection<string> Messages => _messages;

    /// <summary>Completes with the first message (already logged or coming) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForAsync(string text)
    {
        lock (_gate)
        {
            foreach (var message in _messages)
            {
                if (message.Contains(text, StringComparison.Ordinal))
                {
                    return Task.FromResult(message);
                }
            }

            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, done));
            return done.Task;
        }
    }

    /// <summary>Forgets what was logged so far, so the next wait sees only new messages.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, TestLogging.Factory.CreateLogger(categoryName));

    public void Dispose() => Factory.Dispose();

    private void Add(string message)
    {
        lock (_gate)
        {
            _messages.Enqueue(message);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (message.Contains(_waiters[i].Text, StringComparison.Ordinal))
                {
                    _waiters[i].Done.TrySetResult(message);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, ILogger console) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Add(formatter(state, exception));
            console.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
