using System.Formats.Asn1;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Portico.Middlewares.PassTlsClientCert;

/// <summary>Formats a client certificate the way Traefik's <c>passTLSClientCert</c> does.</summary>
internal static class CertificateHeaders
{
    private const string DomainComponentOid = "0.9.2342.19200300.100.1.25";

    /// <summary>The DER as base64 without PEM armour or line breaks, query-escaped (Traefik's <c>sanitize</c>).</summary>
    public static string Pem(X509Certificate2 certificate) => QueryEscape(Convert.ToBase64String(certificate.RawData));

    /// <summary><c>Subject="…";Issuer="…";SerialNumber="…";NB="…";NA="…";SAN="…"</c>, fields left out when empty, query-escaped.</summary>
    public static string Info(X509Certificate2 certificate, CertificateInfoOptions options)
    {
        var fields = new List<string>(6);
        if (DistinguishedName(certificate.SubjectName, options.Subject, subject: true) is { Length: > 0 } subject)
        {
            fields.Add($"Subject=\"{subject}\"");
        }

        if (DistinguishedName(certificate.IssuerName, options.Issuer, subject: false) is { Length: > 0 } issuer)
        {
            fields.Add($"Issuer=\"{issuer}\"");
        }

        if (options.SerialNumber)
        {
            // Go prints the serial as a decimal big integer.
            var serial = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
            fields.Add($"SerialNumber=\"{serial.ToString(CultureInfo.InvariantCulture)}\"");
        }

        if (options.NotBefore)
        {
            fields.Add($"NB=\"{new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeSeconds()}\"");
        }

        if (options.NotAfter)
        {
            fields.Add($"NA=\"{new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()}\"");
        }

        if (options.Sans && AlternativeNames(certificate) is { Count: > 0 } sans)
        {
            fields.Add($"SAN=\"{string.Join(',', sans)}\"");
        }

        return QueryEscape(string.Join(';', fields));
    }

    /// <summary>Go's <c>url.QueryEscape</c>: everything but unreserved characters escaped, spaces as <c>+</c>.</summary>
    public static string QueryEscape(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private static string DistinguishedName(X500DistinguishedName name, DistinguishedNameOptions? options, bool subject)
    {
        if (options is null)
        {
            return string.Empty;
        }

        // Go's pkix.Name: list attributes in order of appearance, CN and serialNumber keep the last one; the output order
        // is DC, C, ST, L, O, OU, SN, CN whatever the certificate's order.
        var parts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementValue() is not { Length: > 0 } value)
            {
                continue;
            }

            var oid = rdn.GetSingleElementType().Value!;
            if (!parts.TryGetValue(oid, out var values))
            {
                parts[oid] = values = [];
            }

            values.Add(value);
        }

        var text = new StringBuilder();
        Append(text, parts, DomainComponentOid, "DC", options.DomainComponent, all: true);
        Append(text, parts, "2.5.4.6", "C", options.Country, all: true);
        Append(text, parts, "2.5.4.8", "ST", options.Province, all: true);
        Append(text, parts, "2.5.4.7", "L", options.Locality, all: true);
        Append(text, parts, "2.5.4.10", "O", options.Organization, all: true);
        Append(text, parts, "2.5.4.11", "OU", options.OrganizationalUnit && subject, all: true);
        Append(text, parts, "2.5.4.5", "SN", options.SerialNumber, all: false);
        Append(text, parts, "2.5.4.3", "CN", options.CommonName, all: false);
        return text.Length > 0 ? text.ToString(0, text.Length - 1) : string.Empty;
    }

    private static void Append(StringBuilder text, Dictionary<string, List<string>> parts, string oid, string prefix, bool wanted, bool all)
    {
        if (!wanted || !parts.TryGetValue(oid, out var values))
        {
            return;
        }

        foreach (var value in all ? values : values.Skip(values.Count - 1))
        {
            text.Append(prefix).Append('=').Append(value).Append(',');
        }
    }

    /// <summary>DNS names, then e-mail addresses, then IP addresses, then URIs, as Go lists them.</summary>
    private static List<string> AlternativeNames(X509Certificate2 certificate)
    {
        var dns = new List<string>();
        var emails = new List<string>();
        var ips = new List<string>();
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }

            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.TagClass != TagClass.ContextSpecific)
                {
                    sequence.ReadEncodedValue();
                    continue;
                }

                switch (tag.TagValue)
                {
                    case 1:
                        emails.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 2:
                        dns.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 6:
                        uris.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 7:
                        ips.Add(new IPAddress(sequence.ReadOctetString(tag)).ToString());
                        break;
                    default:
                        sequence.ReadEncodedValue();
                        break;
                }
            }
        }

        return [.. dns, .. emails, .. ips, .. uris];
    }
}
