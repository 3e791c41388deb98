using Microsoft.Extensions.Logging;

namespace Portico.FunctionalTests.Infrastructure;

internal static class TestLogging
{
    /// <summary>Warnings and errors on the console, so a failing test shows what the router logged.</summary>
    public static readonly ILoggerFactory Factory = LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(Environment.GetEnvironmentVariable("PORTICO_TEST_LOG") == "debug" ? LogLevel.Debug : LogLevel.Warning);
        builder.AddSimpleConsole(o => o.SingleLine = true);
    });
}
