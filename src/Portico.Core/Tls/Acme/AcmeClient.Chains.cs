using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Portico.Tls.Acme;

/// <summary>External Account Binding and alternate chains: the two parts of RFC 8555 that only some CAs use.</summary>
internal sealed partial class AcmeClient
{
    /// <summary>
    /// The externalAccountBinding JWS of RFC 8555 §7.3.4: protected header {alg: HS256, kid, url: newAccount}, payload
    /// the account's public JWK, MAC'd with the key the CA handed out with the kid.
    /// </summary>
    internal object ExternalAccountBindingJws(string kid, byte[] macKey, Uri newAccountUrl)
    {
        var header = "{\"alg\":\"HS256\",\"kid\":" + JsonSerializer.Serialize(kid) + ",\"url\":" + JsonSerializer.Serialize(newAccountUrl.AbsoluteUri) + "}";
        var protectedHeader = Base64Url.Encode(header);
        var payload = Base64Url.Encode(Key.Jwk);
        var signature = Base64Url.Encode(HMACSHA256.HashData(macKey, Encoding.ASCII.GetBytes(protectedHeader + "." + payload)));
        return new Dictionary<string, string> { ["protected"] = protectedHeader, ["payload"] = payload, ["signature"] = signature };
    }

    /// <summary>
    /// The default chain, unless <see cref="PreferredChain"/> names the issuer CN of another chain's top certificate:
    /// then the default chain if it matches, else the first matching alternate (<c>Link rel="alternate"</c>), else the
    /// default chain after all, as lego does.
    /// </summary>
    private async Task<string> DownloadPreferredChainAsync(Uri certificateUrl, CancellationToken cancellationToken)
    {
        var (pem, alternates) = await DownloadChainAsync(certificateUrl, cancellationToken).ConfigureAwait(false);
        if (PreferredChain is not { Length: > 0 } preferred || TopIssuerIs(pem, preferred))
        {
            return pem;
        }

        foreach (var alternate in alternates)
        {
            var (candidate, _) = await DownloadChainAsync(alternate, cancellationToken).ConfigureAwait(false);
            if (TopIssuerIs(candidate, preferred))
            {
                return candidate;
            }
        }

        return pem;
    }

    /// <summary>Whether the issuer CN of the chain's last certificate is <paramref name="commonName"/>.</summary>
    internal static bool TopIssuerIs(string pem, string commonName)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(pem);
            return chain.Count > 0
                && string.Equals(chain[^1].GetNameInfo(X509NameType.SimpleName, forIssuer: true), commonName, StringComparison.Ordinal);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            foreach (var certificate in chain)
            {
                certificate.Dispose();
            }
        }
    }
}
