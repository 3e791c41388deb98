using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration;
using Portico.Configuration.Dynamic;

namespace Portico.Tls;

/// <summary>
/// The certificates and TLS options of one runtime snapshot. Handshakes read it from the current snapshot, so a reload
/// swaps certificates without a restart while established connections keep the certificate they were accepted with.
/// </summary>
internal sealed class TlsRuntime
{
    public const string DefaultOptions = "default";

    // The generated default certificate is made on the first handshake that needs it, once per process: generating it
    // loads OpenSSL and the certificate machinery, several MiB of resident memory that a plain-HTTP router never uses.
    private static readonly Lazy<X509Certificate2> GeneratedDefault = new(CertificateLoader.GenerateDefault);
    private static readonly Lazy<SslStreamCertificateContext> GeneratedDefaultContext = new(() => SslStreamCertificateContext.Create(GeneratedDefault.Value, null, offline: true));

    private readonly Dictionary<string, int> _exact;
    private readonly Dictionary<string, int> _wildcard;
    private readonly Dictionary<string, OptionSet> _options;
    private readonly Lazy<X509Certificate2> _defaultCertificate;

    /// <summary>Server name to the TLS options its routers ask for ("" = the entry point's own); see <see cref="WithRouterOptions"/>.</summary>
    private readonly Dictionary<string, string> _hostOptions;

    private TlsRuntime(Dictionary<string, int> exact, Dictionary<string, int> wildcard, Dictionary<string, OptionSet> options, Lazy<X509Certificate2> defaultCertificate, Dictionary<string, string>? hostOptions = null, IReadOnlyList<X509Certificate2>? certificates = null)
    {
        Certificates = certificates ?? [];
        _exact = exact;
        _wildcard = wildcard;
        _options = options;
        _defaultCertificate = defaultCertificate;
        _hostOptions = hostOptions ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The configured default certificate, the one obtained for <c>defaultGeneratedCert</c>, else the generated one.</summary>
    public X509Certificate2 DefaultCertificate => _defaultCertificate.Value;

    /// <summary>The default store's <c>defaultGeneratedCert</c>, which the ACME provider obtains; null when not configured.</summary>
    public DefaultGeneratedCert? DefaultGenerated { get; private init; }

    /// <summary>Every loaded certificate of the default store, for the API (<c>/api/certificates</c>).</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    public static TlsRuntime Empty { get; } = Build(null, []);

    /// <summary>The files this runtime was built from (<see cref="TlsFiles"/>), watched by <see cref="CertificateFileWatcher"/>.</summary>
    public IReadOnlyList<string> Files { get; private init; } = [];

    /// <summary>Builds from the merged <c>tls</c> sections; a certificate that does not load is reported and left out.</summary>
    public static TlsRuntime Build(TlsConfig? config, List<ConfigError> errors)
    {
        var certificates = new List<X509Certificate2>();
        var exact = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var certificate in config?.Certificates ?? [])
        {
            index++;
            var item = $"TLS certificate #{index}";
            if (certificate.Stores.Count > 0 && !certificate.Stores.Contains(DefaultOptions))
            {
                errors.Add(new ConfigError(item, "only the \"default\" TLS store exists; this certificate is ignored", certificate.Location, ConfigSeverity.Warning));
                continue;
            }

            var loaded = CertificateLoader.Load(certificate, item, errors);
            if (loaded is null)
            {
                continue;
            }

            certificates.Add(loaded);
            foreach (var name in CertificateLoader.Names(loaded))
            {
                // As Traefik, the first certificate loaded for a name wins.
                if (name.StartsWith("*.", StringComparison.Ordinal))
                {
                    wildcard.TryAdd(name[2..], certificates.Count - 1);
                }
                else
                {
                    exact.TryAdd(name, certificates.Count - 1);
                }
            }
        }

        X509Certificate2? defaultCertificate = null;
        DefaultGeneratedCert? defaultGenerated = null;
        foreach (var (name, store) in config?.Stores ?? new Dictionary<string, TlsStoreConfig>())
        {
            if (name != DefaultOptions)
            {
                errors.Add(new ConfigError($"TLS store \"{name}\"", "only the \"default\" TLS store is supported; this store is ignored", store.Location, ConfigSeverity.Warning));
                continue;
            }

            defaultGenerated = DefaultGeneratedCert.Parse(store.DefaultGeneratedCert, $"TLS store \"{name}\" defaultGeneratedCert", store.Location, errors);
            if (store.DefaultCertificate is { } configured && CertificateLoader.Load(configured, $"TLS store \"{name}\" defaultCertificate", errors) is { } loaded)
            {
                defaultCertificate = loaded;
            }
            else if (defaultGenerated?.FindCovering(certificates) is { } obtained)
            {
                // As in Traefik, a configured defaultCertificate wins; else the resolver's certificate once it exists.
                defaultCertificate = obtained;
            }
        }

        var contexts = certificates.ConvertAll(c => SslStreamCertificateContext.Create(c, null, offline: true));
        var defaultContext = defaultCertificate is null ? GeneratedDefaultContext : new Lazy<SslStreamCertificateContext>(SslStreamCertificateContext.Create(defaultCertificate, null, offline: true));
        var options = new Dictionary<string, OptionSet>(StringComparer.Ordinal);
        var optionConfigs = config?.Options ?? new Dictionary<string, TlsOptionsConfig>();
        if (!optionConfigs.ContainsKey(DefaultOptions))
        {
            options[DefaultOptions] = OptionSet.Create(new TlsOptionsConfig(), DefaultOptions, contexts, defaultContext, errors);
        }

        foreach (var (name, option) in optionConfigs)
        {
            options[name] = OptionSet.Create(option, name, contexts, defaultContext, errors);
        }

        return new TlsRuntime(exact, wildcard, options, defaultCertificate is null ? GeneratedDefault : new Lazy<X509Certificate2>(defaultCertificate), certificates: certificates) { DefaultGenerated = defaultGenerated, Files = TlsFiles.From(config) };
    }

    public bool HasOptions(string name) => _options.ContainsKey(name);

    /// <summary>
    /// Binds TLS options to the hosts of the TLS routers' <c>Host</c> rules: <paramref name="routers"/> holds, per router,
    /// its exact hosts and its <c>tls.options</c> ("" for none: the entry point's options apply). When routers for one
    /// host ask for different options, Traefik logs a conflict and uses <c>default</c>; so does Portico.
    /// </summary>
    public TlsRuntime WithRouterOptions(IReadOnlyList<(string Router, IReadOnlyList<string> Hosts, string Options)> routers, List<ConfigError> errors)
    {
        var hostOptions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var conflicts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (router, hosts, options) in routers)
        {
            var name = options.Split('@')[0];
            foreach (var host in hosts)
            {
                if (!hostOptions.TryAdd(host, name) && hostOptions[host] != name && conflicts.Add(host))
                {
                    errors.Add(new ConfigError($"router \"{router}\"", $"routers for host \"{host}\" ask for different TLS options (\"{Describe(hostOptions[host])}\" and \"{Describe(name)}\"); the default TLS options are used for it", default, ConfigSeverity.Warning));
                }
            }
        }

        foreach (var host in conflicts)
        {
            hostOptions[host] = DefaultOptions;
        }

        return new TlsRuntime(_exact, _wildcard, _options, _defaultCertificate, hostOptions, Certificates) { DefaultGenerated = DefaultGenerated, Files = Files };
    }

    private static string Describe(string options) => options.Length > 0 ? options : "(entry point's)";

    /// <summary>
    /// The handshake settings for <paramref name="serverName"/> (SNI) under the TLS options <paramref name="optionsName"/>:
    /// the exact certificate, else a one-label wildcard, else the default certificate. Null refuses the handshake
    /// (sniStrict without a matching certificate).
    /// </summary>
    public SslServerAuthenticationOptions? Select(string? serverName, string optionsName)
    {
        var set = OptionsFor(serverName, optionsName);
        if (!set.Valid)
        {
            return null;
        }

        var index = Find(serverName);
        if (index >= 0)
        {
            return set.PerCertificate[index];
        }

        return set.SniStrict ? null : set.Default.Value;
    }

    /// <summary>Whether a loaded certificate (exact or one-label wildcard) answers <paramref name="serverName"/>.</summary>
    public bool HasCertificate(string? serverName) => Find(serverName) >= 0;

    /// <summary>
    /// The handshake settings <see cref="Select"/> would use for <paramref name="serverName"/>, with a certificate that is
    /// not (yet) in this snapshot: one obtained on demand. Null when those TLS options are invalid.
    /// </summary>
    public SslServerAuthenticationOptions? SelectWith(SslStreamCertificateContext certificate, string? serverName, string optionsName)
    {
        var set = OptionsFor(serverName, optionsName);
        return set.Valid ? set.Settings.Create(certificate) : null;
    }

    private OptionSet OptionsFor(string? serverName, string optionsName)
    {
        // As Traefik, the options are chosen by the requested server name: those of the routers for that host.
        if (!string.IsNullOrEmpty(serverName) && _hostOptions.TryGetValue(serverName, out var routerOptions) && routerOptions.Length > 0)
        {
            optionsName = routerOptions;
        }

        return _options.TryGetValue(optionsName, out var set) ? set : _options[DefaultOptions];
    }

    private int Find(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return -1;
        }

        if (_exact.TryGetValue(serverName, out var index))
        {
            return index;
        }

        var dot = serverName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && _wildcard.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(serverName.AsSpan(dot + 1), out index) ? index : -1;
    }

    /// <summary>One TLS options entry with a ready <see cref="SslServerAuthenticationOptions"/> per certificate: nothing is built per handshake.</summary>
    private sealed class OptionSet
    {
        public required SslServerAuthenticationOptions[] PerCertificate { get; init; }

        /// <summary>Lazy because the generated default certificate is (see <see cref="GeneratedDefault"/>).</summary>
        public required Lazy<SslServerAuthenticationOptions> Default { get; init; }

        public required TlsHandshakeSettings Settings { get; init; }

        public bool SniStrict { get; init; }

        /// <summary>False when the entry has an error: its handshakes are refused rather than served with weaker settings.</summary>
        public bool Valid { get; init; }

        public static OptionSet Create(TlsOptionsConfig config, string name, List<SslStreamCertificateContext> contexts, Lazy<SslStreamCertificateContext> defaultContext, List<ConfigError> errors)
        {
            var settings = TlsOptionsBuilder.Build(name, config, errors);
            return new OptionSet
            {
                PerCertificate = contexts.ConvertAll(settings.Create).ToArray(),
                Default = new Lazy<SslServerAuthenticationOptions>(() => settings.Create(defaultContext.Value)),
                Settings = settings,
                SniStrict = config.SniStrict,
                Valid = settings.Valid,
            };
        }
    }
}
