using System.Globalization;

namespace Portico.Configuration.Parsing;

/// <summary>
/// Reads configuration from <c>PORTICO_*</c> or <c>TRAEFIK_*</c> environment variables
/// (<c>PORTICO_ENTRYPOINTS_WEB_ADDRESS=:80</c> is <c>entryPoints.web.address</c>). Because underscores separate
/// segments, the split follows the target type: a record property takes one segment, a dictionary takes one
/// segment as the key (lower-cased, as Traefik does) and a list takes a numeric index.
/// </summary>
internal static class EnvConfigReader
{
    private const string PorticoPrefix = "PORTICO_";
    private const string TraefikPrefix = "TRAEFIK_";

    public static ConfigNode Read(IEnumerable<KeyValuePair<string, string>> env, Type rootType, List<ConfigError> errors)
    {
        var builder = new ConfigTreeBuilder();
        var variables = ConfigVariables(env);
        variables.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (name, value) in variables)
        {
            var location = new SourceLocation("env " + name, 0, 0);
            var segments = name[PorticoPrefix.Length..].Split('_');
            if (TryResolve(segments, rootType, out var path, out var problem))
            {
                builder.Set(path, value, location, errors);
            }
            else
            {
                errors.Add(new ConfigError(name, problem, location));
            }
        }

        return builder.Build(errors);
    }

    /// <summary>
    /// The configuration variables: those with the <c>PORTICO_</c> prefix, or when there are none, those with the
    /// <c>TRAEFIK_</c> prefix. The config-file variables are left to the loader.
    /// </summary>
    public static List<KeyValuePair<string, string>> ConfigVariables(IEnumerable<KeyValuePair<string, string>> env)
    {
        var portico = new List<KeyValuePair<string, string>>();
        var traefik = new List<KeyValuePair<string, string>>();
        foreach (var pair in env)
        {
            var isPortico = pair.Key.StartsWith(PorticoPrefix, StringComparison.OrdinalIgnoreCase);
            if ((!isPortico && !pair.Key.StartsWith(TraefikPrefix, StringComparison.OrdinalIgnoreCase))
                || pair.Key.Length == PorticoPrefix.Length || IsConfigFileVariable(pair.Key))
            {
                continue;
            }

            (isPortico ? portico : traefik).Add(pair);
        }

        return portico.Count > 0 ? portico : traefik;
    }

    public static bool IsConfigFileVariable(string name) =>
        string.Equals(name, PorticoPrefix + "CONFIGFILE", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, TraefikPrefix + "CONFIGFILE", StringComparison.OrdinalIgnoreCase);

    private static bool TryResolve(string[] segments, Type rootType, out List<PathSegment> path, out string problem)
    {
        path = [];
        problem = string.Empty;
        var info = ConfigTypeInfo.Get(rootType);
        var dotted = string.Empty;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                problem = "empty name segment (two underscores in a row?)";
                return false;
            }

            switch (info.Kind)
            {
                case ConfigTypeKind.Record:
                    if (!info.Properties.TryGetValue(segment, out var property))
                    {
                        var suggestion = info.Suggest(segment);
                        problem = $"unknown key \"{ConfigBinder.Join(dotted, segment.ToLowerInvariant())}\"" + (suggestion is null ? string.Empty : $"; did you mean \"{suggestion}\"?");
                        return false;
                    }

                    var option = ConfigTypeInfo.OptionName(property.Name);
                    path.Add(PathSegment.OfKey(option));
                    dotted = ConfigBinder.Join(dotted, option);
                    info = ConfigTypeInfo.Get(property.PropertyType);
                    break;
                case ConfigTypeKind.Dictionary:
                    var key = segment.ToLowerInvariant();
                    path.Add(PathSegment.OfKey(key));
                    dotted = ConfigBinder.Join(dotted, key);
                    info = ConfigTypeInfo.Get(info.Element!);
                    break;
                case ConfigTypeKind.List:
                    if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    {
                        problem = $"\"{dotted}\" is a list: the next name segment must be an index (0, 1, ...), not \"{segment}\"";
                        return false;
                    }

                    path.Add(PathSegment.OfIndex(index));
                    dotted += $"[{index}]";
                    info = ConfigTypeInfo.Get(info.Element!);
                    break;
                case ConfigTypeKind.Node:
                    // A raw section has no schema to follow: each remaining segment is one key.
                    for (var j = i; j < segments.Length; j++)
                    {
                        path.Add(PathSegment.OfKey(segments[j].ToLowerInvariant()));
                    }

                    return true;
                default:
                    problem = $"unknown key \"{ConfigBinder.Join(dotted, string.Join('.', segments[i..]).ToLowerInvariant())}\": \"{dotted}\" takes a single value";
                    return false;
            }
        }

        return true;
    }
}
