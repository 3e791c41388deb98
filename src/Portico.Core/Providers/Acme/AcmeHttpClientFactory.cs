using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration.Static;

namespace Portico.Providers.Acme;

/// <summary>
/// The HttpClient a resolver talks to its CA with. With <c>caCertificates</c> (PEM files) the CA's certificate must
/// chain to one of them instead of the system roots, as for a private CA; the host name is still checked.
/// </summary>
internal static class AcmeHttpClientFactory
{
    public static HttpClient Create(AcmeResolverConfig config)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (config.CaCertificates is { Count: > 0 } files)
        {
            var roots = new X509Certificate2Collection();
            foreach (var file in files)
            {
                roots.ImportFromPemFile(file);
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(certificate, errors, roots);
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
