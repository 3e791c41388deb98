using System.Net.Security;
using System.Security.Authentication;

namespace Portico.Observability.AccessLog;

/// <summary>TLS details as Traefik writes them: the version as <c>1.2</c>/<c>1.3</c>, the cipher by its IANA (Go) name, the subject in Go's form.</summary>
internal static class TlsNames
{
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are obsolete, but a client may still have negotiated them.
    public static string Version(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "1.3",
        SslProtocols.Tls12 => "1.2",
        SslProtocols.Tls11 => "1.1",
        SslProtocols.Tls => "1.0",
        _ => "unknown",
    };
#pragma warning restore SYSLIB0039

    /// <summary>
    /// .NET's cipher suite names are the IANA names, which are also what Go's <c>tls.CipherSuiteName</c> returns
    /// (for example <c>TLS_AES_128_GCM_SHA256</c> or <c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c>).
    /// </summary>
    public static string Cipher(TlsCipherSuite suite) => suite.ToString();

    /// <summary>
    /// .NET prints a subject as <c>CN=alice, O=Example</c>, most specific first like Go's <c>pkix.Name.String()</c>,
    /// which separates the parts with a bare comma: <c>CN=alice,O=Example</c>.
    /// </summary>
    public static string Subject(string dotnetSubject) => dotnetSubject.Replace(", ", ",", StringComparison.Ordinal);
}
