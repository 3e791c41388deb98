using System.Net;
using System.Net.Security;
using Portico.Configuration.Dynamic;

namespace Portico.Forwarding;

/// <summary>
/// One backend address of a servers transport: the TLS options of its connections (SNI, certificate check, ALPN) and
/// whether it speaks HTTP/2, learnt from ALPN. The handler must know the protocol before it connects (with an http URL
/// it only speaks HTTP/2 with prior knowledge), so the first request asks the server once with a handshake offering
/// h2 and http/1.1, as Go's transport does on every connection; later connections offer only the protocol chosen.
/// </summary>
internal sealed class TlsEndpoint
{
    private const int Unknown = 0;
    private const int Http11 = 1;
    private const int Http2 = 2;

    private static readonly List<SslApplicationProtocol> Http11Only = [SslApplicationProtocol.Http11];
    private static readonly List<SslApplicationProtocol> Http2Only = [SslApplicationProtocol.Http2];
    private static readonly List<SslApplicationProtocol> Both = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private readonly BackendTlsConnector _connector;
    private readonly Lock _lock = new();
    private int _protocol;
    private Task<bool>? _probe;

    public TlsEndpoint(BackendTlsConnector connector, string host, int port, ServersTransportItemConfig config)
    {
        _connector = connector;
        EndPoint = new DnsEndPoint(host, port);

        // Go sends serverName, else the URL host unless it is an IP address, and verifies the certificate against the same name.
        var bare = host.Trim('[', ']');
        var name = string.IsNullOrEmpty(config.ServerName) ? bare : config.ServerName;
        TargetHost = !string.IsNullOrEmpty(config.ServerName) || !IPAddress.TryParse(bare, out _) ? name : string.Empty;
        var validation = BackendTls.Validation(config, name);
        Http11Options = Options(connector.Template, TargetHost, validation, Http11Only);
        Http2Options = Options(connector.Template, TargetHost, validation, Http2Only);
        ProbeOptions = Options(connector.Template, TargetHost, validation, Both);
    }

    public DnsEndPoint EndPoint { get; }

    /// <summary>The SNI name; empty when none is sent (an IP address without serverName).</summary>
    public string TargetHost { get; }

    public SslClientAuthenticationOptions Http11Options { get; }

    public SslClientAuthenticationOptions Http2Options { get; }

    public SslClientAuthenticationOptions ProbeOptions { get; }

    /// <summary>True or false once known, null before the first handshake told.</summary>
    public bool? SupportsHttp2 => Volatile.Read(ref _protocol) switch
    {
        Http2 => true,
        Http11 => false,
        _ => null,
    };

    public void Record(bool http2) => Volatile.Write(ref _protocol, http2 ? Http2 : Http11);

    public void Forget()
    {
        lock (_lock)
        {
            _protocol = Unknown;
            _probe = null;
        }
    }

    /// <summary>Whether the server picks h2; concurrent first requests share one probe, a failed probe is retried by the next request.</summary>
    public Task<bool> ProbeAsync()
    {
        lock (_lock)
        {
            return _probe ??= RunProbeAsync();
        }
    }

    private async Task<bool> RunProbeAsync()
    {
        // The lock is held by the caller until the first await: yield so the probe never runs under it.
        await Task.Yield();
        using var timeout = _connector.DialTimeout > TimeSpan.Zero ? new CancellationTokenSource(_connector.DialTimeout) : null;
        try
        {
            await using var ssl = await BackendTlsConnector.HandshakeAsync(this, ProbeOptions, timeout?.Token ?? CancellationToken.None).ConfigureAwait(false);
            var http2 = ssl.NegotiatedApplicationProtocol == SslApplicationProtocol.Http2;
            Record(http2);
            return http2;
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _probe = null;
            }

            throw BackendTlsConnector.AsConnectError(ex, timeout?.IsCancellationRequested == true);
        }
    }

    private static SslClientAuthenticationOptions Options(
        SslClientAuthenticationOptions template, string targetHost, RemoteCertificateValidationCallback validation, List<SslApplicationProtocol> alpn) =>
        new()
        {
            TargetHost = targetHost,
            ApplicationProtocols = alpn,
            EnabledSslProtocols = template.EnabledSslProtocols,
            CipherSuitesPolicy = template.CipherSuitesPolicy,
            ClientCertificates = template.ClientCertificates,
            CertificateChainPolicy = template.CertificateChainPolicy,
            CertificateRevocationCheckMode = template.CertificateRevocationCheckMode,
            RemoteCertificateValidationCallback = validation,
        };
}
