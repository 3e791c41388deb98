using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;

namespace Portico.Runtime;

/// <summary>
/// A router's <c>observability</c> section (<c>accessLogs</c>, <c>metrics</c>, <c>tracing</c>, <c>traceVerbosity</c>).
/// What the router leaves unset it inherits from each of its entry points' <c>observability</c>, as in Traefik.
/// </summary>
internal sealed record RouterObservability(bool? AccessLogs, bool? Metrics, bool? Tracing, string? TraceVerbosity)
{
    public static readonly RouterObservability Unset = new(null, null, null, null);

    /// <summary>Reads the section; bad values are warnings and leave the option unset (inherited).</summary>
    public static RouterObservability Parse(ConfigNode? node, string item, SourceLocation location, List<ConfigError> warnings)
    {
        if (node is null || node.Kind != ConfigNodeKind.Mapping)
        {
            return Unset;
        }

        var result = Unset;
        foreach (var (key, value) in node.Entries)
        {
            var at = value.Location.IsKnown ? value.Location : location;
            switch (key.ToLowerInvariant())
            {
                case "accesslogs":
                    result = result with { AccessLogs = Bool(value, "accessLogs", item, at, warnings) };
                    break;
                case "metrics":
                    result = result with { Metrics = Bool(value, "metrics", item, at, warnings) };
                    break;
                case "tracing":
                    result = result with { Tracing = Bool(value, "tracing", item, at, warnings) };
                    break;
                case "traceverbosity":
                    var verbosity = value.Value?.Trim();
                    if (verbosity is "minimal" or "detailed")
                    {
                        result = result with { TraceVerbosity = verbosity };
                    }
                    else
                    {
                        warnings.Add(new ConfigError(item, $"observability.traceVerbosity must be minimal or detailed, not \"{value.Value}\"", at, ConfigSeverity.Warning));
                    }

                    break;
                default:
                    warnings.Add(new ConfigError(item, $"unknown option observability.{key}", at, ConfigSeverity.Warning));
                    break;
            }
        }

        return result;
    }

    /// <summary>The options in force for this router on one entry point.</summary>
    public ObservabilityOptions ResolveFor(EntryPointObservabilityConfig? entryPoint)
    {
        entryPoint ??= new EntryPointObservabilityConfig();
        return new ObservabilityOptions(
            AccessLogs ?? entryPoint.AccessLogs,
            Metrics ?? entryPoint.Metrics,
            Tracing ?? entryPoint.Tracing,
            (TraceVerbosity ?? entryPoint.TraceVerbosity) == "detailed");
    }

    private static bool? Bool(ConfigNode value, string name, string item, SourceLocation at, List<ConfigError> warnings)
    {
        if (bool.TryParse(value.Value?.Trim(), out var parsed))
        {
            return parsed;
        }

        warnings.Add(new ConfigError(item, $"observability.{name} must be true or false, not \"{value.Value}\"", at, ConfigSeverity.Warning));
        return null;
    }
}

/// <summary>What a route records about its requests: access log, metrics, tracing (and whether traces are detailed).</summary>
internal sealed record ObservabilityOptions(bool AccessLogs, bool Metrics, bool Tracing, bool DetailedTraces)
{
    public static readonly ObservabilityOptions All = new(true, true, true, false);
}
