using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Middlewares.SourceCriterion;
using Portico.Tcp.Middlewares;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    /// <summary>
    /// Builds a TCP router's middlewares, in order, as new instances for this router (Traefik keeps inFlightConn counters
    /// per router). Every problem (a missing middleware, an unknown type, bad options) is an error that disables the router.
    /// </summary>
    private static ITcpMiddleware[] BuildTcpMiddlewares(string item, TcpRouterConfig router, MergedConfig merged, List<ConfigError> errors, List<ConfigError> warnings)
    {
        var built = new List<ITcpMiddleware>(router.Middlewares.Count);
        foreach (var name in router.Middlewares)
        {
            if (!merged.TcpMiddlewares.TryGetValue(name, out var provided))
            {
                errors.Add(new ConfigError(item, $"the TCP middleware \"{name}\" does not exist", router.Location));
                continue;
            }

            var node = provided.Config;
            if (node.Kind != ConfigNodeKind.Mapping || node.Entries.Count != 1)
            {
                errors.Add(new ConfigError(item, $"the TCP middleware \"{name}\" must have exactly one type: ipAllowList or inFlightConn", node.Location));
                continue;
            }

            var (type, options) = node.Entries[0];
            var middleware = type.ToUpperInvariant() switch
            {
                "IPALLOWLIST" or "IPWHITELIST" => IpAllowList(item, name, type, options, errors, warnings),
                "INFLIGHTCONN" => InFlightConn(item, name, type, options, errors),
                _ => Unknown(item, name, type, options, errors),
            };

            if (middleware is not null)
            {
                built.Add(middleware);
            }
        }

        return built.ToArray();
    }

    private static TcpIpAllowList? IpAllowList(string item, string name, string type, ConfigNode options, List<ConfigError> errors, List<ConfigError> warnings)
    {
        if (type.Equals("ipWhiteList", StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add(new ConfigError(item, $"the TCP middleware \"{name}\" uses ipWhiteList, deprecated since Traefik v3: use ipAllowList", options.Location, ConfigSeverity.Warning));
        }

        var config = Bind<TcpIpAllowListOptions>(item, name, type, options, errors, out var ok);
        if (!ok)
        {
            return null;
        }

        if (config.SourceRange.Count == 0)
        {
            errors.Add(new ConfigError(item, $"the TCP middleware \"{name}\": {type}.sourceRange is empty; list the allowed addresses or CIDR ranges", options.Location));
            return null;
        }

        if (IpRanges.Parse(config.SourceRange, out var bad) is not { } ranges)
        {
            errors.Add(new ConfigError(item, $"the TCP middleware \"{name}\": {type}.sourceRange: \"{bad}\" is not an IP address or a CIDR range", options.Location));
            return null;
        }

        return new TcpIpAllowList(name, ranges);
    }

    private static TcpInFlightConn? InFlightConn(string item, string name, string type, ConfigNode options, List<ConfigError> errors)
    {
        var config = Bind<TcpInFlightConnOptions>(item, name, type, options, errors, out var ok);
        if (!ok)
        {
            return null;
        }

        if (config.Amount <= 0)
        {
            errors.Add(new ConfigError(item, $"the TCP middleware \"{name}\": {type}.amount must be at least 1 (got {config.Amount})", options.Location));
            return null;
        }

        return new TcpInFlightConn(name, config.Amount);
    }

    private static ITcpMiddleware? Unknown(string item, string name, string type, ConfigNode options, List<ConfigError> errors)
    {
        errors.Add(new ConfigError(item, $"the TCP middleware \"{name}\" has the unknown type \"{type}\": TCP middlewares are ipAllowList, ipWhiteList and inFlightConn", options.Location));
        return null;
    }

    private static T Bind<T>(string item, string name, string type, ConfigNode options, List<ConfigError> errors, out bool ok)
        where T : new()
    {
        var bindErrors = new List<ConfigError>();
        var config = ConfigBinder.Bind<T>(options, type, bindErrors);
        foreach (var error in bindErrors)
        {
            errors.Add(new ConfigError(item, $"the TCP middleware \"{name}\": {error.Message}", error.Location));
        }

        ok = bindErrors.Count == 0;
        return config;
    }
}
