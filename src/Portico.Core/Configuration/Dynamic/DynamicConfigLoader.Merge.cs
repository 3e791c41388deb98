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
        var udpRouters = new Named<UdpRouterConfig>("UDP router");
        var udpServices = new Named<UdpServiceConfig>("UDP service");
        var anyUdp = false;
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

            if (config.Udp is { } udp)
            {
                anyUdp = true;
                udpRouters.AddAll(udp.Routers, source, errors);
                udpServices.AddAll(udp.Services, source, errors);
            }

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
            Udp = anyUdp ? new UdpRoutingConfig { Routers = udpRouters.Items, Services = udpServices.Items } : null,
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
}
