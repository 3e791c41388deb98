using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

// CipherSuitesPolicy exists only on Linux and macOS, where these tests run.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TlsOptionsTests
{
    private const string Static = """
        entryPoints:
          websecure:
            address: "127.0.0.1:0"
            http:
              tls: {}
        """;

    [Fact]
    public async Task CipherSuitesRefuseAClientOfferingOnlyOtherSuitesAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static);
        await portico.WriteDynamicAsync(backend.CatchAllYaml() + """

            tls:
              options:
                default:
                  maxVersion: VersionTLS12
                  cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]
            """);
        var port = portico.Url("websecure").Port;

        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, await HandshakeAsync(port, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384));
    }

    [Fact]
    public async Task RoutersPickTheirOptionsBySniAndConflictsFallBackToDefaultAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(Static);
        using var ca = ClientCertificates.CreateCa(portico.Directory, "ca");
        var tls = $$"""
            tls:
              options:
                modern:
                  minVersion: VersionTLS13
                mtls:
                  clientAuth:
                    caFiles: ["{{ca.CaFile}}"]
                    clientAuthType: RequireAndVerifyClientCert
            """;
        await portico.WriteDynamicAsync(Routers(backend, extra: "") + tls);
        var url = portico.Url("websecure");

        using var tls12 = new MtlsClient(url, protocols: SslProtocols.Tls12);
        using var open = await tls12.GetAsync("open.test");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => tls12.GetAsync("modern.test"));

        using var anonymous = new MtlsClient(url);
        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync("secure.test"));
        using var certificate = ca.Issue("alice");
        using var authenticated = new MtlsClient(url, certificate);
        using var secure = await authenticated.GetAsync("secure.test");
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);

        // A second router for modern.test without options: Traefik reports the conflict and uses "default" for the host.
        var snapshot = await portico.WriteDynamicAsync(Routers(backend, extra: """
                modern-too:
                  rule: "Host(`modern.test`) && Path(`/too`)"
                  service: app
                  tls: {}
            """) + tls);
        Assert.Contains(snapshot.Status.AllErrors, e => e.Message.Contains("\"modern.test\" ask for different TLS options", StringComparison.Ordinal));
        using var tls12Again = new MtlsClient(url, protocols: SslProtocols.Tls12);
        using var fallback = await tls12Again.GetAsync("modern.test");
        Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
    }

    [Fact]
    public async Task OwnTlsSectionMeansDefaultOptionsWhileInheritedTlsUsesTheEntryPointsAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              websecure:
                address: "127.0.0.1:0"
                http:
                  tls:
                    options: modern
            """);
        await portico.WriteDynamicAsync($$"""
            http:
              routers:
                inherited:
                  rule: "Host(`inherited.test`)"
                  service: app
                own:
                  rule: "Host(`own.test`)"
                  service: app
                  tls: {}
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            tls:
              options:
                modern:
                  minVersion: VersionTLS13
            """);
        var url = portico.Url("websecure");

        // As in Traefik, a router's own tls section replaces the entry point's as a whole: `tls: {}` is "default".
        using var tls12 = new MtlsClient(url, protocols: SslProtocols.Tls12);
        using var own = await tls12.GetAsync("own.test");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => tls12.GetAsync("inherited.test"));
    }

    /// <summary>A TLS 1.2 handshake offering only <paramref name="suite"/>; returns the negotiated suite.</summary>
    private static async Task<TlsCipherSuite> HandshakeAsync(int port, TlsCipherSuite suite)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(PorticoHost.Timeout);
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "app.test",
            EnabledSslProtocols = SslProtocols.Tls12,
            CipherSuitesPolicy = new CipherSuitesPolicy([suite]),
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }).WaitAsync(PorticoHost.Timeout);
        return ssl.NegotiatedCipherSuite;
    }

    private static string Routers(RecordingBackend backend, string extra) => $"""
        http:
          routers:
            open:
              rule: "Host(`open.test`)"
              service: app
            modern:
              rule: "Host(`modern.test`)"
              service: app
              tls:
                options: modern
            secure:
              rule: "Host(`secure.test`)"
              service: app
              tls:
                options: mtls
        {extra}
          services:
            app:
              loadBalancer:
                servers:
                  - url: "{backend.Url}"

        """;
}
