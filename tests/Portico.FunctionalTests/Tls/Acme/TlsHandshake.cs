using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>One TLS handshake on loopback that records what the server presented (any certificate is accepted).</summary>
internal static class TlsHandshake
{
    public static async Task<(X509Certificate2 Certificate, SslApplicationProtocol Protocol)> RunAsync(int port, string serverName, params string[] protocols)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        var options = new SslClientAuthenticationOptions { TargetHost = serverName };
        if (protocols.Length > 0)
        {
            options.ApplicationProtocols = [.. protocols.Select(p => new SslApplicationProtocol(p))];
        }

        // On-demand issuance makes the server wait for a CA: allow it the same bound as the server does.
        await ssl.AuthenticateAsClientAsync(options).WaitAsync(TimeSpan.FromSeconds(60));
        return (new X509Certificate2(ssl.RemoteCertificate!), ssl.NegotiatedApplicationProtocol);
    }

    public static List<string> DnsNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
            }
        }

        return names;
    }
}
