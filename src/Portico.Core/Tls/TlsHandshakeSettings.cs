using System.Net.Security;
using System.Security.Authentication;

namespace Portico.Tls;

/// <summary>What one <c>tls.options</c> entry sets on every <see cref="SslServerAuthenticationOptions"/> it builds.</summary>
internal sealed record TlsHandshakeSettings(
    SslProtocols Protocols,
    List<SslApplicationProtocol> Alpn,
    bool AskClientCertificate,
    RemoteCertificateValidationCallback? ClientCertificateValidation,
    CipherSuitesPolicy? CipherSuites,
    bool AllowTlsResume,
    bool Valid)
{
    public SslServerAuthenticationOptions Create(SslStreamCertificateContext context) => new()
    {
        ServerCertificateContext = context,
        EnabledSslProtocols = Protocols,
        ApplicationProtocols = Alpn,
        ClientCertificateRequired = AskClientCertificate,
        RemoteCertificateValidationCallback = ClientCertificateValidation,
        CipherSuitesPolicy = CipherSuites,

        // disableSessionTickets: .NET cannot turn off tickets alone, so resumption (tickets and session ids) is turned off.
        AllowTlsResume = AllowTlsResume,
    };
}
