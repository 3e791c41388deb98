using Microsoft.Extensions.Logging;

namespace Portico.EntryPoints;

/// <summary>
/// The logger factory handed to an entry point's Kestrel. It drops Kestrel's start-up warning that HTTP/2 needs TLS:
/// Portico serves h2c on cleartext entry points itself (<see cref="H2cPriorKnowledge"/>), so the warning is wrong there.
/// </summary>
internal sealed class KestrelLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private const int Http2DisabledWithoutTlsEventId = 64;

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) ? new Filtered(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the caller.
    }

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != Http2DisabledWithoutTlsEventId)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
