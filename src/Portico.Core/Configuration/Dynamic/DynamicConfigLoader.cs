using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

/// <summary>
/// Turns dynamic (routing) configuration text into a <see cref="DynamicConfig"/>, and merges the files of a
/// directory the way Traefik's file provider does.
/// </summary>
internal static partial class DynamicConfigLoader
{
    /// <summary>
    /// Reads and binds one YAML document. Returns null when the text does not parse, so the provider keeps its last
    /// good configuration; binding errors are collected and the configuration is still returned without the broken
    /// values. Items whose names contain '@' (reserved for <c>name@provider</c>) are reported and removed.
    /// </summary>
    public static DynamicConfig? Load(string text, string sourceName, List<ConfigError> errors)
    {
        var root = YamlConfigReader.Read(text, sourceName, errors);
        if (root is null)
        {
            return null;
        }

        var config = ConfigBinder.Bind<DynamicConfig>(root, string.Empty, errors);
        return RemoveReservedNames(config, errors);
    }

    private static DynamicConfig RemoveReservedNames(DynamicConfig config, List<ConfigError> errors)
    {
        if (config.Http is { } http)
        {
            config = config with
            {
                Http = http with
                {
                    Routers = WithoutReserved(http.Routers, "router", errors),
                    Services = WithoutReserved(http.Services, "service", errors),
                    Middlewares = WithoutReserved(http.Middlewares, "middleware", errors),
                    ServersTransports = WithoutReserved(http.ServersTransports, "serversTransport", errors),
                },
            };
        }

        if (config.Tcp is { } tcp)
        {
            config = config with
            {
                Tcp = tcp with
                {
                    Routers = WithoutReserved(tcp.Routers, "TCP router", errors),
                    Services = WithoutReserved(tcp.Services, "TCP service", errors),
                    Middlewares = WithoutReserved(tcp.Middlewares, "TCP middleware", errors),
                    ServersTransports = WithoutReserved(tcp.ServersTransports, "TCP serversTransport", errors),
                },
            };
        }

        if (config.Udp is { } udp)
        {
            config = config with
            {
                Udp = udp with
                {
                    Routers = WithoutReserved(udp.Routers, "UDP router", errors),
                    Services = WithoutReserved(udp.Services, "UDP service", errors),
                },
            };
        }

        return config;
    }

    private static IReadOnlyDictionary<string, T> WithoutReserved<T>(IReadOnlyDictionary<string, T> items, string kind, List<ConfigError> errors)
        where T : notnull
    {
        Dictionary<string, T>? kept = null;
        foreach (var (name, item) in items)
        {
            if (name.Contains('@', StringComparison.Ordinal))
            {
                errors.Add(new ConfigError($"{kind} \"{name}\"", "the name must not contain '@' (it is reserved for name@provider references)", LocationOf(item)));
                kept ??= new Dictionary<string, T>(items, StringComparer.Ordinal);
                kept.Remove(name);
            }
        }

        return kept ?? items;
    }

    internal static SourceLocation LocationOf(object? item) => item switch
    {
        null => SourceLocation.None,
        ConfigNode node => node.Location,
        _ => ConfigTypeInfo.Get(item.GetType()).LocationProperty?.GetValue(item) is SourceLocation location ? location : SourceLocation.None,
    };
}
