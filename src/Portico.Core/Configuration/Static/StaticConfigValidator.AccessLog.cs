using Portico.Configuration.Parsing;
using Portico.Observability.AccessLog;

namespace Portico.Configuration.Static;

internal static partial class StaticConfigValidator
{
    /// <summary>The <c>accessLog</c> section: format, modes, field names and status ranges; OTLP export is not supported yet.</summary>
    private static void ValidateAccessLog(StaticConfig config, ConfigNode? root, List<ConfigError> errors)
    {
        if (config.AccessLog is not { } accessLog)
        {
            return;
        }

        var problems = new List<(string[] Keys, string Message)>();
        AccessLogOptions.Create(accessLog, problems);
        foreach (var (keys, message) in problems)
        {
            Add(errors, root, message, ["accessLog", .. keys]);
        }

        WarnIfPresent(accessLog.Otlp, root, errors, "accessLog", "otlp");
        WarnIfPresent(accessLog.Fields?.QueryParameters, root, errors, "accessLog", "fields", "queryParameters");
    }
}
