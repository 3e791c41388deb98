using System.Net;
using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

/// <summary>
/// Checks a bound static configuration and reports every problem at once, each naming its key path and, through
/// the raw tree, the line where it was written. Sections accepted for compatibility but not implemented yet are
/// reported as warnings.
/// </summary>
internal static partial class StaticConfigValidator
{
    private const string NotSupported = "accepted, not yet supported by this Portico version";

    private static readonly string[] LogLevels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "PANIC"];

    public static void Validate(StaticConfig config, ConfigNode? root, List<ConfigError> errors)
    {
        var entryPoints = config.EntryPoints ?? new Dictionary<string, EntryPointConfig>();
        foreach (var (name, entryPoint) in entryPoints)
        {
            ValidateEntryPoint(name, entryPoint, entryPoints, root, errors);
            CheckEntryPointResolver(name, entryPoint, config, root, errors);
        }

        if (config.Log is { } log)
        {
            if (Array.IndexOf(LogLevels, log.Level.ToUpperInvariant()) < 0)
            {
                Add(errors, root, $"invalid log level \"{log.Level}\": use one of {string.Join(", ", LogLevels)}", "log", "level");
            }

            if (!log.Format.Equals("common", StringComparison.OrdinalIgnoreCase) && !log.Format.Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                Add(errors, root, $"invalid log format \"{log.Format}\": use common or json", "log", "format");
            }

            WarnIfPresent(log.Otlp, root, errors, "log", "otlp");
            WarnIf(log.FilePath is not null, root, errors, "log", "filePath");
        }

        if (config.Core is { } core && core.DefaultRuleSyntax is not ("v2" or "v3"))
        {
            Add(errors, root, $"invalid rule syntax \"{core.DefaultRuleSyntax}\": use v3 or v2", "core", "defaultRuleSyntax");
        }

        ValidateAccessLog(config, root, errors);
        WarnForRawSections(config, ConfigTypeInfo.Get(typeof(StaticConfig)), root, errors, []);
        foreach (var (name, resolver) in config.CertificatesResolvers ?? new Dictionary<string, CertificatesResolverConfig>())
        {
            ValidateResolver(name, resolver, entryPoints, root, errors);
        }

        if (config.Providers is { } providers)
        {
            WarnForRawSections(providers, ConfigTypeInfo.Get(typeof(ProvidersConfig)), root, errors, ["providers"]);
        }

        WarnIfPresent(config.ServersTransport?.Spiffe, root, errors, "serversTransport", "spiffe");
        WarnIf(config.Providers?.Precedence is not null, root, errors, "providers", "precedence");
    }

    private static void ValidateEntryPoint(string name, EntryPointConfig entryPoint, IReadOnlyDictionary<string, EntryPointConfig> all, ConfigNode? root, List<ConfigError> errors)
    {
        if (name.Contains('@', StringComparison.Ordinal))
        {
            Add(errors, root, $"entry point name \"{name}\" must not contain '@'", "entryPoints", name);
        }

        if (!EntryPointAddress.TryParse(entryPoint.Address, out _, out var addressError))
        {
            Add(errors, root, addressError, "entryPoints", name, "address");
        }

        CheckIPs(entryPoint.ForwardedHeaders.TrustedIPs, root, errors, "entryPoints", name, "forwardedHeaders", "trustedIPs");
        if (entryPoint.ProxyProtocol is { } proxyProtocol)
        {
            CheckIPs(proxyProtocol.TrustedIPs, root, errors, "entryPoints", name, "proxyProtocol", "trustedIPs");
        }

        if (entryPoint.Http.Redirections?.EntryPoint is { } redirect)
        {
            // Traefik resolves "to" against the entry points only ("'to' entry point field references a non-existing entry point").
            if (string.IsNullOrEmpty(redirect.To))
            {
                Add(errors, root, "the redirection needs \"to\": the name of the entry point to redirect to", "entryPoints", name, "http", "redirections", "entryPoint", "to");
            }
            else if (!all.ContainsKey(redirect.To))
            {
                Add(errors, root, $"the redirection targets entry point \"{redirect.To}\", which does not exist", "entryPoints", name, "http", "redirections", "entryPoint", "to");
            }
        }

        if (entryPoint.Http.UnderscoreHeadersStrategy is not ("keep" or "delete" or "reject"))
        {
            Add(errors, root, $"invalid value \"{entryPoint.Http.UnderscoreHeadersStrategy}\": use keep, delete or reject", "entryPoints", name, "http", "underscoreHeadersStrategy");
        }

        if (entryPoint.Observability.TraceVerbosity is not ("minimal" or "detailed"))
        {
            Add(errors, root, $"invalid trace verbosity \"{entryPoint.Observability.TraceVerbosity}\": use minimal or detailed", "entryPoints", name, "observability", "traceVerbosity");
        }

        WarnNoHttp3(name, entryPoint, root, errors);
        WarnIf(entryPoint.ReusePort, root, errors, "entryPoints", name, "reusePort");
        WarnIf(entryPoint.AllowACMEByPass, root, errors, "entryPoints", name, "allowACMEByPass");
        WarnIf(entryPoint.ForwardedHeaders.AddXForwardedSchemeHeaders, root, errors, "entryPoints", name, "forwardedHeaders", "addXForwardedSchemeHeaders");
    }

    /// <summary>
    /// <c>http3</c> is accepted so Traefik files load, but no QUIC library exists on this platform: say plainly that the
    /// entry point keeps serving HTTP/1.1 and HTTP/2 (and, since nothing listens on UDP, no <c>Alt-Svc</c> is advertised).
    /// </summary>
    private static void WarnNoHttp3(string name, EntryPointConfig entryPoint, ConfigNode? root, List<ConfigError> errors)
    {
        if (entryPoint.Http3 is not { } http3)
        {
            return;
        }

        var message = $"HTTP/3 (QUIC) is not available on this platform; entry point {name} serves HTTP/1.1 and HTTP/2 only";
        if (http3.Get("advertisedPort") is not null)
        {
            message += " (http3.advertisedPort is ignored: no Alt-Svc header is sent)";
        }

        errors.Add(new ConfigError($"entryPoints.{name}.http3", message, Locate(root, "entryPoints", name, "http3"), ConfigSeverity.Warning));
    }

    /// <summary>An entry point's <c>http.tls.certResolver</c>, inherited by its routers, must name a resolver.</summary>
    private static void CheckEntryPointResolver(string name, EntryPointConfig entryPoint, StaticConfig config, ConfigNode? root, List<ConfigError> errors)
    {
        if (entryPoint.Http.Tls?.Get("certResolver")?.Value is { Length: > 0 } resolver && config.CertificatesResolvers?.ContainsKey(resolver) != true)
        {
            string[] keys = ["entryPoints", name, "http", "tls", "certResolver"];
            errors.Add(new ConfigError(string.Join('.', keys), $"certResolver \"{resolver}\" is not defined in certificatesResolvers", Locate(root, keys), ConfigSeverity.Warning));
        }
    }

    /// <summary>An option that binds but does nothing yet: say so rather than silently ignore it.</summary>
    private static void WarnIf(bool isSet, ConfigNode? root, List<ConfigError> errors, params string[] keys)
    {
        if (isSet)
        {
            var path = string.Join('.', keys);
            errors.Add(new ConfigError(path, $"\"{path}\" is {NotSupported}", Locate(root, keys), ConfigSeverity.Warning));
        }
    }

    private static void CheckIPs(IReadOnlyList<string> values, ConfigNode? root, List<ConfigError> errors, params string[] keys)
    {
        foreach (var value in values)
        {
            if (!IsIPOrCidr(value))
            {
                Add(errors, root, $"\"{value}\" is not an IP address or a CIDR range such as 10.0.0.0/8", keys);
            }
        }
    }

    /// <summary>Accepts an address or <c>address/prefix</c>; like Go's ParseCIDR, host bits may be set.</summary>
    internal static bool IsIPOrCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? value : value[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        if (slash < 0)
        {
            return true;
        }

        var max = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        return int.TryParse(value.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) && prefix <= max;
    }

    private static void WarnForRawSections(object section, ConfigTypeInfo info, ConfigNode? root, List<ConfigError> errors, string[] prefix)
    {
        foreach (var property in info.Properties.Values)
        {
            if (property.PropertyType == typeof(ConfigNode) && property.GetValue(section) is ConfigNode node)
            {
                WarnIfPresent(node, root, errors, [.. prefix, ConfigTypeInfo.OptionName(property.Name)]);
            }
        }
    }

    private static void WarnIfPresent(ConfigNode? node, ConfigNode? root, List<ConfigError> errors, params string[] keys)
    {
        if (node is not null)
        {
            var path = string.Join('.', keys);
            errors.Add(new ConfigError(path, $"\"{path}\" is {NotSupported}", Locate(root, keys), ConfigSeverity.Warning));
        }
    }

    private static void Add(List<ConfigError> errors, ConfigNode? root, string message, params string[] keys) =>
        errors.Add(new ConfigError(string.Join('.', keys), message, Locate(root, keys)));

    /// <summary>The location of the deepest node of the path found in the raw tree (the key itself when it was written).</summary>
    internal static SourceLocation Locate(ConfigNode? root, params string[] keys)
    {
        var location = root?.Location ?? SourceLocation.None;
        var node = root;
        foreach (var key in keys)
        {
            node = node?.Get(key);
            if (node is null)
            {
                break;
            }

            location = node.Location;
        }

        return location;
    }
}
