using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

/// <summary>Checks the ACME client options of a resolver: key type, EAB, certificate duration and HTTP timeouts.</summary>
internal static partial class StaticConfigValidator
{
    /// <summary>Traefik's certificate key types (pkg/provider/acme: EC256, EC384, RSA2048, RSA4096, RSA8192).</summary>
    internal static readonly string[] AcmeKeyTypes = ["EC256", "EC384", "RSA2048", "RSA4096", "RSA8192"];

    private static void ValidateAcmeClient(AcmeResolverConfig acme, ConfigNode? root, List<ConfigError> errors, string[] acmePrefix)
    {
        if (!AcmeKeyTypes.Contains(acme.KeyType, StringComparer.OrdinalIgnoreCase))
        {
            Add(errors, root, $"keyType \"{acme.KeyType}\" is not one of {string.Join(", ", AcmeKeyTypes)}", [.. acmePrefix, "keyType"]);
        }

        if (acme.CertificatesDuration <= 0)
        {
            Add(errors, root, $"certificatesDuration must be a positive number of hours (got {acme.CertificatesDuration})", [.. acmePrefix, "certificatesDuration"]);
        }

        if (acme.Eab is { } eab)
        {
            if (string.IsNullOrWhiteSpace(eab.Kid))
            {
                Add(errors, root, "eab.kid is required with eab", [.. acmePrefix, "eab", "kid"]);
            }

            if (string.IsNullOrWhiteSpace(eab.HmacEncoded))
            {
                Add(errors, root, "eab.hmacEncoded is required with eab", [.. acmePrefix, "eab", "hmacEncoded"]);
            }
            else if (!IsBase64Url(eab.HmacEncoded))
            {
                Add(errors, root, "eab.hmacEncoded is not base64url (the MAC key as the CA gave it)", [.. acmePrefix, "eab", "hmacEncoded"]);
            }
        }

        if (acme.ClientTimeout < TimeSpan.Zero)
        {
            Add(errors, root, "clientTimeout must not be negative", [.. acmePrefix, "clientTimeout"]);
        }

        if (acme.ClientResponseHeaderTimeout < TimeSpan.Zero)
        {
            Add(errors, root, "clientResponseHeaderTimeout must not be negative", [.. acmePrefix, "clientResponseHeaderTimeout"]);
        }
    }

    private static bool IsBase64Url(string text)
    {
        var trimmed = text.Trim().TrimEnd('=');
        return trimmed.Length > 0 && System.Buffers.Text.Base64Url.IsValid(trimmed);
    }
}
