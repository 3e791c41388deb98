using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portico.Tls.Acme;

// The shapes of Traefik's acme.json (pkg/provider/acme/local_store.go): resolver name → stored data. Go writes the
// Account fields without JSON tags (capitalized names) and []byte as standard base64, which is what System.Text.Json
// does for byte[], so a Traefik file loads unchanged and a Portico file stays readable by Traefik.

/// <summary>One certificates resolver's data.</summary>
internal sealed class AcmeResolverData
{
    [JsonPropertyName("Account")]
    public AcmeStoredAccount? Account { get; set; }

    [JsonPropertyName("Certificates")]
    public List<AcmeStoredCertificate> Certificates { get; set; } = [];
}

internal sealed class AcmeStoredAccount
{
    [JsonPropertyName("Email")]
    public string Email { get; set; } = string.Empty;

    [JsonPropertyName("Registration")]
    public AcmeRegistration? Registration { get; set; }

    /// <summary>DER private key: PKCS#1 RSA as Traefik writes it, or SEC1 EC for accounts Portico created.</summary>
    [JsonPropertyName("PrivateKey")]
    public byte[] PrivateKey { get; set; } = [];

    /// <summary>The certificate key type (Traefik's "EC256", "RSA4096", ...), not the account key's.</summary>
    [JsonPropertyName("KeyType")]
    public string KeyType { get; set; } = "EC256";

    public static AcmeStoredAccount From(string email, AcmeAccount account, AcmeAccountKey key)
    {
        using var body = JsonDocument.Parse(account.Body);
        return new AcmeStoredAccount
        {
            Email = email,
            Registration = new AcmeRegistration { Body = body.RootElement.Clone(), Uri = account.Url.AbsoluteUri },
            PrivateKey = key.Export(),
        };
    }
}

/// <summary>lego's registration.Resource: the account URL and the server's account object.</summary>
internal sealed class AcmeRegistration
{
    [JsonPropertyName("body")]
    public JsonElement Body { get; set; }

    [JsonPropertyName("uri")]
    public string Uri { get; set; } = string.Empty;
}

internal sealed class AcmeStoredCertificate
{
    [JsonPropertyName("domain")]
    public AcmeDomain Domain { get; set; } = new();

    /// <summary>The PEM chain, base64 of its bytes as in Traefik.</summary>
    [JsonPropertyName("certificate")]
    public byte[] Certificate { get; set; } = [];

    /// <summary>The PEM private key, base64 of its bytes as in Traefik.</summary>
    [JsonPropertyName("key")]
    public byte[] Key { get; set; } = [];

    [JsonPropertyName("Store")]
    public string Store { get; set; } = "default";

    public static AcmeStoredCertificate From(AcmeCertificate certificate) => new()
    {
        Domain = new AcmeDomain
        {
            Main = certificate.Domains[0],
            Sans = certificate.Domains.Count > 1 ? [.. certificate.Domains.Skip(1)] : null,
        },
        Certificate = System.Text.Encoding.UTF8.GetBytes(certificate.CertificatePem),
        Key = System.Text.Encoding.UTF8.GetBytes(certificate.PrivateKeyPem),
    };
}

internal sealed class AcmeDomain
{
    [JsonPropertyName("main")]
    public string Main { get; set; } = string.Empty;

    [JsonPropertyName("sans")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Sans { get; set; }
}
