using System.Net.Security;

namespace Portico.Tls;

/// <summary>Traefik's cipher suite names (Go's crypto/tls constants) mapped to .NET's <see cref="TlsCipherSuite"/>.</summary>
internal static class CipherSuiteNames
{
    /// <summary>Go names that differ from the IANA names .NET uses: Go drops the <c>_SHA256</c> of ChaCha20 suites.</summary>
    private static readonly Dictionary<string, TlsCipherSuite> Aliases = new(StringComparer.Ordinal)
    {
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    /// <summary>The TLS 1.3 suites, which Go always enables whatever <c>cipherSuites</c> lists.</summary>
    public static readonly TlsCipherSuite[] Tls13 =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    public static bool TryParse(string name, out TlsCipherSuite suite)
    {
        if (Aliases.TryGetValue(name, out suite))
        {
            return true;
        }

        // Enum.TryParse also accepts numbers and comma lists, which are not cipher suite names.
        return name.StartsWith("TLS_", StringComparison.Ordinal)
            && !name.Contains(',', StringComparison.Ordinal)
            && Enum.TryParse(name, ignoreCase: false, out suite)
            && Enum.IsDefined(suite);
    }

    public static bool IsTls13(TlsCipherSuite suite) => Array.IndexOf(Tls13, suite) >= 0;
}
