using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;

namespace Portico.Tls;

/// <summary>
/// Traefik's <c>clientAuth</c>: the five Go client-auth types mapped to <see cref="SslServerAuthenticationOptions.ClientCertificateRequired"/>
/// (which makes the server ask for a certificate) and a validation callback that decides, with the CAs of <c>caFiles</c>
/// as the only trust anchors.
/// </summary>
internal static class ClientAuth
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Null settings mean "do not ask"; false from <paramref name="valid"/> means the option set has an error.</summary>
    public static (bool Ask, RemoteCertificateValidationCallback? Callback) Build(ClientAuthConfig? config, string item, SourceLocation location, List<ConfigError> errors, out bool valid)
    {
        valid = true;
        if (config is null)
        {
            return (false, null);
        }

        X509Certificate2Collection? roots = null;
        if (config.CaFiles.Count > 0)
        {
            roots = LoadRoots(config.CaFiles, item, location, errors);
            if (roots is null)
            {
                valid = false;
                return (false, null);
            }
        }

        // As Traefik: caFiles without a clientAuthType mean RequireAndVerifyClientCert.
        var type = string.IsNullOrEmpty(config.ClientAuthType) ? (roots is null ? "NoClientCert" : "RequireAndVerifyClientCert") : config.ClientAuthType;
        switch (type)
        {
            case "NoClientCert":
                return (false, null);
            case "RequestClientCert":
                return (true, static (_, _, _, _) => true);
            case "RequireAnyClientCert":
                return (true, static (_, certificate, _, _) => certificate is not null);
            case "VerifyClientCertIfGiven" or "RequireAndVerifyClientCert" when roots is null:
                errors.Add(new ConfigError(item, $"clientAuth.clientAuthType {type} needs clientAuth.caFiles", location));
                valid = false;
                return (false, null);
            case "VerifyClientCertIfGiven":
                return (true, (_, certificate, chain, _) => certificate is null || Verify(certificate, chain, roots!));
            case "RequireAndVerifyClientCert":
                return (true, (_, certificate, chain, _) => certificate is not null && Verify(certificate, chain, roots!));
            default:
                errors.Add(new ConfigError(item, $"unknown clientAuth.clientAuthType \"{type}\" (use NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert)", location));
                valid = false;
                return (false, null);
        }
    }

    /// <summary>Each entry is a file path or inline PEM; null (with an error naming the entry) when one yields no certificate.</summary>
    private static X509Certificate2Collection? LoadRoots(IReadOnlyList<string> caFiles, string item, SourceLocation location, List<ConfigError> errors)
    {
        var roots = new X509Certificate2Collection();
        foreach (var caFile in caFiles)
        {
            var inline = caFile.Contains("-----BEGIN", StringComparison.Ordinal);
            var described = inline ? "(inline PEM)" : $"\"{caFile}\"";
            try
            {
                var before = roots.Count;
                if (inline)
                {
                    roots.ImportFromPem(caFile);
                }
                else
                {
                    roots.ImportFromPemFile(caFile);
                }

                if (roots.Count == before)
                {
                    errors.Add(new ConfigError(item, $"clientAuth.caFiles {described} contains no PEM certificate", location));
                    return null;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                errors.Add(new ConfigError(item, $"cannot load clientAuth.caFiles {described}: {ex.Message}", location));
                return null;
            }
        }

        return roots;
    }

    /// <summary>Builds the client's chain to one of <paramref name="roots"/> only (not the system store), as Go's ClientCAs.</summary>
    private static bool Verify(X509Certificate certificate, X509Chain? presented, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (presented is not null)
        {
            // The intermediates the client sent are in the chain SslStream built.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
