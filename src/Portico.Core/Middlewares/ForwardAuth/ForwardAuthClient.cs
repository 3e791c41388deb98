using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Middlewares.ForwardAuth;

/// <summary>Builds the pooled HTTP client of one <c>forwardAuth</c> configuration.</summary>
internal static class ForwardAuthClient
{
    /// <summary>Traefik's client timeout for the whole authentication exchange.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Returns the client, or null after reporting why the TLS files cannot be used.</summary>
    public static HttpClient? Create(ForwardAuthTlsOptions tls, MiddlewareContext context)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),

            // Idle connections are closed after a while, so an instance dropped by a reload releases its sockets.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        };
        if (!ConfigureTls(handler.SslOptions, tls, context))
        {
            handler.Dispose();
            return null;
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout };
    }

    private static bool ConfigureTls(SslClientAuthenticationOptions ssl, ForwardAuthTlsOptions tls, MiddlewareContext context)
    {
        if (string.IsNullOrEmpty(tls.Cert) != string.IsNullOrEmpty(tls.Key))
        {
            context.Error("tls.cert and tls.key must be set together");
            return false;
        }

        try
        {
            if (!string.IsNullOrEmpty(tls.Cert))
            {
                var certificate = IsPem(tls.Cert) ? X509Certificate2.CreateFromPem(tls.Cert, tls.Key) : X509Certificate2.CreateFromPemFile(tls.Cert, tls.Key);
                ssl.ClientCertificates = [certificate];
            }

            if (tls.InsecureSkipVerify)
            {
                ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            }
            else if (!string.IsNullOrEmpty(tls.Ca))
            {
                // tls.ca replaces the system roots, as Go's tls.Config.RootCAs does.
                var roots = new X509Certificate2Collection();
                if (IsPem(tls.Ca))
                {
                    roots.ImportFromPem(tls.Ca);
                }
                else
                {
                    roots.ImportFromPemFile(tls.Ca);
                }

                ssl.CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                };
                ssl.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
            }
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            context.Error($"tls: cannot load the certificates: {ex.Message}");
            return false;
        }

        return true;
    }

    private static bool IsPem(string value) => value.Contains("-----BEGIN", StringComparison.Ordinal);
}
