using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration.Dynamic;

namespace Portico.Forwarding;

/// <summary>
/// Builds the pooled client of a servers transport. Creation is a pure function of the configuration, so the
/// caller may keep a client across reloads for as long as the transport's configuration compares equal.
/// </summary>
internal static class ForwarderClientFactory
{
    /// <summary>Traefik uses Go's default of 2 idle connections per host when <c>maxIdleConnsPerHost</c> is 0.</summary>
    private const int DefaultMaxIdlePerHost = 2;

    public static HttpMessageInvoker Create(ServersTransportItemConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new HttpMessageInvoker(CreateHandler(config), disposeHandler: true);
    }

    public static SocketsHttpHandler CreateHandler(ServersTransportItemConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var timeouts = config.ForwardingTimeouts;
        var handler = new SocketsHttpHandler
        {
            // A proxy passes requests on as they are: no system proxy, redirects, decompression or cookies of its
            // own, and no extra trace headers (the tracing feature propagates context itself).
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = Positive(timeouts.DialTimeout) ?? Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = Positive(timeouts.IdleConnTimeout) ?? Timeout.InfiniteTimeSpan,
        };

        // Go keeps at most maxIdleConnsPerHost idle connections per host; a negative value disables reuse. .NET cannot
        // cap idle connections separately, so only "no reuse" is mapped: every connection lives for one request.
        if (config.MaxIdleConnsPerHost < 0)
        {
            handler.PooledConnectionLifetime = TimeSpan.Zero;
        }

        // HTTP/2 health pings (readIdleTimeout) when the server is silent; pingTimeout bounds the wait for the answer.
        if (Positive(timeouts.ReadIdleTimeout) is { } readIdle)
        {
            handler.KeepAlivePingDelay = readIdle;
            handler.KeepAlivePingTimeout = Positive(timeouts.PingTimeout) ?? TimeSpan.FromSeconds(15);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }

        ConfigureTls(handler.SslOptions, config);
        return handler;
    }

    /// <summary>The simple TLS options; client certificates, SPIFFE and peer pinning are added by the TLS feature.</summary>
    private static void ConfigureTls(SslClientAuthenticationOptions ssl, ServersTransportItemConfig config)
    {
        if (!string.IsNullOrEmpty(config.ServerName))
        {
            ssl.TargetHost = config.ServerName;
        }

        if (config.InsecureSkipVerify)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            return;
        }

        if (config.RootCAs.Count == 0)
        {
            return;
        }

        // rootCAs replaces the system roots, as in Go's tls.Config.RootCAs. Entries are file paths or inline PEM.
        var roots = new X509Certificate2Collection();
        foreach (var ca in config.RootCAs)
        {
            if (ca.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                roots.ImportFromPem(ca);
            }
            else
            {
                roots.ImportFromPemFile(ca);
            }
        }

        ssl.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        ssl.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
    }

    private static TimeSpan? Positive(TimeSpan value) => value > TimeSpan.Zero ? value : null;
}
