using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Portico.FunctionalTests.Infrastructure;

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

    /// <summary>
    /// Handshakes (a new connection each time) until <paramref name="serverName"/> is served a certificate issued by
    /// pebble and accepted by <paramref name="accept"/>; on timeout the failure carries pebble's log.
    /// </summary>
    public static async Task<X509Certificate2> WaitForPebbleCertificateAsync(int port, string serverName, PebbleServer pebble, Func<X509Certificate2, bool>? accept = null)
    {
        X509Certificate2? found = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                var (certificate, _) = await RunAsync(port, serverName);
                if (!certificate.Issuer.Contains("Pebble", StringComparison.OrdinalIgnoreCase) || (accept is not null && !accept(certificate)))
                {
                    certificate.Dispose();
                    return false;
                }

                found = certificate;
                return true;
            }, $"a certificate issued by pebble for {serverName}", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException($"no ACME certificate was served for {serverName}; pebble's log:\n" + pebble.Log, ex);
        }

        return found!;
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
