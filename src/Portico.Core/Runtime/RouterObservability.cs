using Portico.Configuration;
using Portico.Configuration.Parsing;

namespace Portico.Runtime;

/// <summary>A router's <c>observability</c> section: <c>accessLogs</c> is honoured; metrics and tracing are not implemented yet.</summary>
internal static class RouterObservability
{
    /// <summary>Whether the router's requests go to the access log (Traefik's default: true).</summary>
    public static bool AccessLogs(ConfigNode? node, string item, SourceLocation location, List<ConfigError> warnings)
    {
        if (node is null || node.Kind != ConfigNodeKind.Mapping)
        {
            return true;
        }

        var accessLogs = true;
        foreach (var (key, value) in node.Entries)
        {
            if (!key.Equals("accessLogs", StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add(new ConfigError(item, $"observability.{key} is accepted, not yet supported by this Portico version", value.Location.IsKnown ? value.Location : location, ConfigSeverity.Warning));
            }
            else if (bool.TryParse(value.Value?.Trim(), out var parsed))
            {
                accessLogs = parsed;
            }
            else
            {
                warnings.Add(new ConfigError(item, $"observability.accessLogs must be true or false, not \"{value.Value}\"", value.Location.IsKnown ? value.Location : location, ConfigSeverity.Warning));
            }
        }

        return accessLogs;
    }
}
