using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Forwarding;

/// <summary>Reads the URI entries of a certificate's subject alternative names (what <c>peerCertURI</c> checks).</summary>
internal static class CertificateUris
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>GeneralName's uniformResourceIdentifier is the context-specific, implicitly tagged [6] IA5String.</summary>
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static bool Contains(X509Certificate certificate, string uri)
    {
        var cert = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        foreach (var extension in cert.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            foreach (var name in Read(extension.RawData))
            {
                if (string.Equals(name, uri, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static List<string> Read(byte[] subjectAltName)
    {
        var uris = new List<string>();
        try
        {
            var reader = new AsnReader(subjectAltName, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            while (names.HasData)
            {
                if (names.PeekTag() == UriTag)
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            // A malformed extension carries no URI we could trust.
        }

        return uris;
    }
}
