using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration.Static;

namespace Portico.Providers.Acme;

/// <summary>
/// The HttpClient a resolver talks to its CA with, as Traefik builds it: <c>caCertificates</c> (PEM files) replace the
/// system roots unless <c>caSystemCertPool</c> adds them back; <c>caServerName</c> is the name the CA's certificate
/// must carry (instead of caServer's host); <c>clientTimeout</c> bounds a whole request and
/// <c>clientResponseHeaderTimeout</c> the wait for the response headers.
/// </summary>
internal static class AcmeHttpClientFactory
{
    public static HttpClient Create(AcmeResolverConfig config)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var roots = new X509Certificate2Collection();
        foreach (var file in config.CaCertificates ?? [])
        {
            roots.ImportFromPemFile(file);
        }

        var serverName = string.IsNullOrWhiteSpace(config.CaServerName) ? null : config.CaServerName.Trim();
        if (roots.Count > 0 || serverName is not null)
        {
            var trustSystem = roots.Count == 0 || config.CaSystemCertPool;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(certificate, errors, roots, trustSystem, serverName);
        }

        HttpMessageHandler pipeline = config.ClientResponseHeaderTimeout > TimeSpan.Zero
            ? new ResponseHeaderTimeoutHandler(config.ClientResponseHeaderTimeout) { InnerHandler = handler }
            : handler;
        return new HttpClient(pipeline)
        {
            Timeout = config.ClientTimeout > TimeSpan.Zero ? config.ClientTimeout : Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// 1. The name: the platform's check against caServer's host, or against caServerName when configured.
    /// 2. The chain: the platform's check against the system roots when they are trusted, else (or when that failed
    ///    and caCertificates exist) a chain built on the configured roots only.
    /// </summary>
    internal static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots, bool trustSystem, string? serverName)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var owned = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var leaf = owned ?? (X509Certificate2)certificate;
        if (serverName is not null ? !leaf.MatchesHostname(serverName) : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        if (trustSystem && (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0)
        {
            return true;
        }

        if (roots.Count == 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    /// <summary>Cancels a request whose response headers have not arrived in time (Go's ResponseHeaderTimeout).</summary>
    private sealed class ResponseHeaderTimeoutHandler(TimeSpan timeout) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            headers.CancelAfter(timeout);
            try
            {
                return await base.SendAsync(request, headers.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The ACME server sent no response headers within {timeout} ({request.RequestUri}).", ex);
            }
        }
    }
}
