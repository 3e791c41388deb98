using Microsoft.Extensions.Logging;
using Portico.Configuration.Static;

namespace Portico.Cli;

/// <summary>Console logging configured from Traefik's <c>log.level</c> and <c>log.format</c>.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(LogConfig? config)
    {
        var level = (config?.Level ?? "ERROR").ToUpperInvariant() switch
        {
            "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFO" => LogLevel.Information,
            "WARN" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            _ => LogLevel.Critical,
        };
        var json = string.Equals(config?.Format, "json", StringComparison.OrdinalIgnoreCase);
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(level);

            // Kestrel's own chatter (connection resets, bad requests it already answered) is debug material.
            builder.AddFilter("Microsoft", level <= LogLevel.Debug ? level : LogLevel.Warning);
            if (json)
            {
                builder.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ");
            }
            else
            {
                builder.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
                    o.UseUtcTimestamp = true;
                    o.ColorBehavior = config?.NoColor == true ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Default;
                });
            }

        });
    }
}
