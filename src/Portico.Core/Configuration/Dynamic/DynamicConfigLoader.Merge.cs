using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

internal static partial class DynamicConfigLoader
{
    /// <summary>
    /// Merges the configurations of several files (a <c>providers.file.directory</c>) into one. As in Traefik's
    /// file provider, a name defined in two files is reported (naming both files) and the later definition is
    /// skipped; TLS certificates from all files are concatenated.
    /// </summary>
    public static DynamicConfig Merge(IEnumerable<(string Source, DynamicConfig Config)> configs, List<ConfigError> errors)
    {
        var routers = new Named<RouterConfig>("router");
        var services = new Named<ServiceConfig>("service");
        var middlewares = new Named<ConfigNode>("middleware");
        var transports = new Named<ServersTransportItemConfig>("serversTransport");
        var tcpRouters = new Named<TcpRouterConfig>("TCP router");
        var tcpServices = new Named<TcpServiceConfig>("TCP service");
        var tcpMiddlewares = new Named<ConfigNode>("TCP middleware");
        var tcpTransports = new Named<TcpServersTransportConfig>("TCP serversTransport");
        var anyTcp = false;
        var udp = new RawMerger("UDP");
        var certificates = new List<CertificateConfig>();
        var tlsOptions = new Named<TlsOptionsConfig>("TLS option");
        var stores = new Named<TlsStoreConfig>("TLS store");
        TlsConfig? firstTls = null;
        var anyHttp = false;
        foreach (var (source, config) in configs)
        {
            if (config.Http is { } http)
            {
                anyHttp = true;
                routers.AddAll(http.Routers, source, errors);
                services.AddAll(http.Services, source, errors);
                middlewares.AddAll(http.Middlewares, source, errors);
                transports.AddAll(http.ServersTransports, source, errors);
            }

            if (config.Tcp is { } tcp)
            {
                anyTcp = true;
                tcpRouters.AddAll(tcp.Routers, source, errors);
                tcpServices.AddAll(tcp.Services, source, errors);
                tcpMiddlewares.AddAll(tcp.Middlewares, source, errors);
                tcpTransports.AddAll(tcp.ServersTransports, source, errors);
            }

            udp.Add(config.Udp, source, errors);
            if (config.Tls is { } tls)
            {
                firstTls ??= tls;
                certificates.AddRange(tls.Certificates);
                tlsOptions.AddAll(tls.Options, source, errors);
                stores.AddAll(tls.Stores, source, errors);
            }
        }

        return new DynamicConfig
        {
            Http = anyHttp
                ? new HttpConfig { Routers = routers.Items, Services = services.Items, Middlewares = middlewares.Items, ServersTransports = transports.Items }
                : null,
            Tcp = anyTcp
                ? new TcpConfig { Routers = tcpRouters.Items, Services = tcpServices.Items, Middlewares = tcpMiddlewares.Items, ServersTransports = tcpTransports.Items }
                : null,
            Udp = udp.Build(),
            Tls = firstTls is null
                ? null
                : new TlsConfig { Certificates = certificates, Options = tlsOptions.Items, Stores = stores.Items, Location = firstTls.Location },
        };
    }

    private static void ReportDuplicate(string item, string firstSource, string source, SourceLocation location, List<ConfigError> errors) =>
        errors.Add(new ConfigError(item, $"defined in both {firstSource} and {source}; the definition in {source} is skipped", location));

    private sealed class Named<T>(string kind)
        where T : notnull
    {
        private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);

        public Dictionary<string, T> Items { get; } = new(StringComparer.Ordinal);

        public void AddAll(IReadOnlyDictionary<string, T> items, string source, List<ConfigError> errors)
        {
            foreach (var (name, item) in items)
            {
                if (_sources.TryGetValue(name, out var first))
                {
                    ReportDuplicate($"{kind} \"{name}\"", first, source, LocationOf(item), errors);
                    continue;
                }

                _sources.Add(name, source);
                Items.Add(name, item);
            }
        }
    }

    /// <summary>
    /// Merges raw protocol sections (<c>tcp</c>, <c>udp</c>): named mappings (routers, services,
    /// options, stores...) are merged with the duplicate rule, lists (certificates) are concatenated.
    /// </summary>
    private sealed class RawMerger(string label)
    {
        private readonly List<Section> _sections = [];
        private SourceLocation _location = SourceLocation.None;
        private bool _any;

        public void Add(ConfigNode? protocol, string source, List<ConfigError> errors)
        {
            if (protocol is null)
            {
                return;
            }

            if (!_any)
            {
                _any = true;
                _location = protocol.Location;
            }

            foreach (var (key, value) in protocol.Entries)
            {
                var section = _sections.Find(s => s.Key.Equals(key, StringComparison.OrdinalIgnoreCase));
                if (section is null)
                {
                    section = new Section(key, value.Location);
                    _sections.Add(section);
                }

                section.Add(value, source, $"{label} {key.TrimEnd('s')}", errors);
            }
        }

        public ConfigNode? Build()
        {
            if (!_any)
            {
                return null;
            }

            var entries = new List<KeyValuePair<string, ConfigNode>>(_sections.Count);
            foreach (var section in _sections)
            {
                entries.Add(new(section.Key, section.Build()));
            }

            return ConfigNode.Mapping(entries, _location);
        }

        private sealed class Section(string key, SourceLocation location)
        {
            private readonly List<KeyValuePair<string, ConfigNode>> _entries = [];
            private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);
            private readonly List<ConfigNode> _items = [];
            private ConfigNode? _scalar;

            public string Key => key;

            public void Add(ConfigNode value, string source, string kind, List<ConfigError> errors)
            {
                switch (value.Kind)
                {
                    case ConfigNodeKind.Sequence:
                        _items.AddRange(value.Items);
                        break;
                    case ConfigNodeKind.Mapping:
                        foreach (var entry in value.Entries)
                        {
                            if (_sources.TryGetValue(entry.Key, out var first))
                            {
                                ReportDuplicate($"{kind} \"{entry.Key}\"", first, source, entry.Value.Location, errors);
                                continue;
                            }

                            _sources.Add(entry.Key, source);
                            _entries.Add(entry);
                        }

                        break;
                    default:
                        _scalar ??= value;
                        break;
                }
            }

            public ConfigNode Build() =>
                _entries.Count > 0 ? ConfigNode.Mapping(_entries, location)
                : _items.Count > 0 ? ConfigNode.Sequence(_items, location)
                : _scalar ?? ConfigNode.Mapping([], location);
        }
    }
}
