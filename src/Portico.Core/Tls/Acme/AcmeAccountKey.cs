using System.Security.Cryptography;
using System.Text;

namespace Portico.Tls.Acme;

/// <summary>
/// The key that signs an account's JWS requests. New accounts use ECDSA P-256 (ES256); RSA keys (RS256) are accepted
/// on import because Traefik's acme.json stores RSA-4096 account keys as PKCS#1 DER, and reusing such an account
/// avoids registering a new one on migration.
/// </summary>
internal sealed class AcmeAccountKey : IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;

    private AcmeAccountKey(ECDsa? ecdsa, RSA? rsa)
    {
        _ecdsa = ecdsa;
        _rsa = rsa;
        if (ecdsa is not null)
        {
            var p = ecdsa.ExportParameters(false);
            Algorithm = "ES256";
            Jwk = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(p.Q.X!)}\",\"y\":\"{Base64Url.Encode(p.Q.Y!)}\"}}";
        }
        else
        {
            var p = rsa!.ExportParameters(false);
            Algorithm = "RS256";
            Jwk = $"{{\"e\":\"{Base64Url.Encode(p.Exponent!)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.Encode(p.Modulus!)}\"}}";
        }

        // RFC 7638: the thumbprint hashes the required members in lexicographic order without whitespace, which is
        // exactly how Jwk is written above.
        Thumbprint = Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk)));
    }

    /// <summary>The JWS "alg" value.</summary>
    public string Algorithm { get; }

    /// <summary>The public JWK in RFC 7638 canonical form (also valid as the JWS "jwk" header).</summary>
    public string Jwk { get; }

    /// <summary>base64url(SHA-256(canonical JWK)), the suffix of every key authorization.</summary>
    public string Thumbprint { get; }

    /// <summary>"ECDSA" or "RSA", for storage.</summary>
    public string KeyKind => _ecdsa is not null ? "ECDSA" : "RSA";

    public static AcmeAccountKey CreateEcdsa() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), null);

    /// <summary>Imports a DER key: PKCS#1 RSA (Traefik), SEC1 EC or PKCS#8 of either.</summary>
    public static AcmeAccountKey Import(ReadOnlySpan<byte> der)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportRSAPrivateKey(der, out _);
            return new AcmeAccountKey(null, rsa);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportECPrivateKey(der, out _);
            return FromEcdsa(ecdsa);
        }
        catch (CryptographicException)
        {
        }

        try
        {
            ecdsa.ImportPkcs8PrivateKey(der, out _);
            return FromEcdsa(ecdsa);
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
        }

        rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(der, out _);
            return new AcmeAccountKey(null, rsa);
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new CryptographicException("The ACME account key is neither a PKCS#1 RSA, SEC1 EC nor PKCS#8 private key.", ex);
        }
    }

    /// <summary>Exports the private key as DER: PKCS#1 for RSA (as Traefik writes it), SEC1 for EC.</summary>
    public byte[] Export() => _ecdsa is not null ? _ecdsa.ExportECPrivateKey() : _rsa!.ExportRSAPrivateKey();

    public byte[] Sign(ReadOnlySpan<byte> data) => _ecdsa is not null
        ? _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        : _rsa!.SignData(data.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }

    private static AcmeAccountKey FromEcdsa(ECDsa ecdsa)
    {
        if (ecdsa.KeySize != 256)
        {
            ecdsa.Dispose();
            throw new CryptographicException("Only P-256 EC account keys are supported (ES256).");
        }

        return new AcmeAccountKey(ecdsa, null);
    }
}

/// <summary>base64url without padding (RFC 7515 §2).</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));
}
