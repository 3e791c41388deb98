using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Portico.FunctionalTests.Infrastructure;
using Portico.Runtime;

namespace Portico.FunctionalTests.Services;

/// <summary>TLS to backends through <c>serversTransports</c>: trust, names, client certificates, versions, ALPN and URI SANs.</summary>
public sealed class BackendTlsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Theory]
    [InlineData("trusted through rootCAs", "rootCAs: [\"{ca}\"]", "HTTP/2 -")]
    [InlineData("not trusted without rootCAs", "", null)]
    [InlineData("insecureSkipVerify", "insecureSkipVerify: true", "HTTP/2 -")]
    [InlineData("serverName matching the certificate", "rootCAs: [\"{ca}\"], serverName: backend.internal", "HTTP/2 -")]
    [InlineData("serverName not matching the certificate", "rootCAs: [\"{ca}\"], serverName: other.internal", null)]
    [InlineData("disableHTTP2 keeps HTTP/1.1", "rootCAs: [\"{ca}\"], disableHTTP2: true", "HTTP/1.1 -")]
    [InlineData("peerCertURI present", "rootCAs: [\"{ca}\"], peerCertURI: \"spiffe://test/backend\"", "HTTP/2 -")]
    [InlineData("peerCertURI absent", "rootCAs: [\"{ca}\"], peerCertURI: \"spiffe://test/other\"", null)]
    [InlineData("peerCertURI with insecureSkipVerify still checked", "insecureSkipVerify: true, peerCertURI: \"spiffe://test/other\"", null)]
    public async Task TransportTlsOptionsAsync(string scenario, string transport, string? expectedBody)
    {
        _ = scenario;
        await using var backend = await TlsBackend.StartAsync(_pki.Server("backend.internal", uri: "spiffe://test/backend"));
        await using var portico = await StartAsync(backend.Url, transport.Replace("{ca}", _pki.CaFile, StringComparison.Ordinal));

        var (status, body) = await portico.Host.GetAsync("x.test", "/");

        Assert.Equal(expectedBody is null ? HttpStatusCode.BadGateway : HttpStatusCode.OK, status);
        if (expectedBody is not null)
        {
            Assert.Equal(expectedBody, body);
        }
        else
        {
            var line = await portico.Logs.WaitForAsync("forwarding to").WaitAsync(PorticoHost.Timeout);
            Assert.Contains(backend.Url, line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("no client certificate", false, HttpStatusCode.BadGateway)]
    [InlineData("client certificate presented", true, HttpStatusCode.OK)]
    public async Task ClientCertificateRequiredByTheBackendAsync(string scenario, bool present, HttpStatusCode expected)
    {
        _ = scenario;
        var (certFile, keyFile) = _pki.Write(_pki.Client("portico-client"), "client");
        await using var backend = await TlsBackend.StartAsync(_pki.Server("backend.internal"), ClientCertificateMode.RequireCertificate);
        var certificates = present ? $", certificates: [{{certFile: \"{certFile}\", keyFile: \"{keyFile}\"}}]" : string.Empty;
        await using var portico = await StartAsync(backend.Url, $"rootCAs: [\"{_pki.CaFile}\"]{certificates}");

        var (status, body) = await portico.Host.GetAsync("x.test", "/");

        Assert.Equal(expected, status);
        if (present)
        {
            Assert.Equal("HTTP/2 CN=portico-client", body);
        }
    }

    [Theory]
    [InlineData("default accepts TLS 1.2", "", HttpStatusCode.OK)]
    [InlineData("minVersion TLS 1.3 refuses a TLS 1.2 backend", ", minVersion: VersionTLS13", HttpStatusCode.BadGateway)]
    [InlineData("TLS 1.2 cipher suite allowed", ", cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]", HttpStatusCode.OK)]
    [InlineData("TLS 1.2 cipher suite the backend cannot use", ", cipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]", HttpStatusCode.BadGateway)]
    public async Task VersionsAndCipherSuitesAsync(string scenario, string options, HttpStatusCode expected)
    {
        _ = scenario;
        await using var backend = await TlsBackend.StartAsync(_pki.Server("backend.internal"), protocols: SslProtocols.Tls12);
        await using var portico = await StartAsync(backend.Url, $"rootCAs: [\"{_pki.CaFile}\"]{options}");

        Assert.Equal(expected, (await portico.Host.GetAsync("x.test", "/")).Status);
    }

    [Theory]
    [InlineData("unknown cipher suite", "cipherSuites: [TLS_NOT_A_SUITE]", "unknown cipher suite \"TLS_NOT_A_SUITE\"")]
    [InlineData("unknown version", "minVersion: VersionTLS14", "unknown minVersion \"VersionTLS14\"")]
    [InlineData("missing rootCAs file", "rootCAs: [\"/nonexistent/ca.pem\"]", "/nonexistent/ca.pem")]
    [InlineData("missing client key", "certificates: [{certFile: \"/nonexistent/c.crt\", keyFile: \"/nonexistent/c.key\"}]", "/nonexistent/c.crt")]
    public async Task ConfigErrorsDisableTheServicesUsingTheTransportAsync(string scenario, string transport, string expectedError)
    {
        _ = scenario;
        await using var portico = await StartAsync("https://127.0.0.1:1", transport);

        var service = Assert.Single(portico.Host.Runtime.Current.Status.Services, s => s.Name == "app@file");
        Assert.Equal(ItemStatus.Disabled, service.Status);
        Assert.Contains(service.Errors, e => e.Message.Contains(expectedError, StringComparison.Ordinal));
        Assert.NotEqual(HttpStatusCode.OK, (await portico.Host.GetAsync("x.test", "/")).Status);
    }

    private static async Task<Started> StartAsync(string serverUrl, string transport)
    {
        var logs = new CapturingLoggerProvider();
        var host = await PorticoHost.StartAsync(LoadBalancingTests.Static, $$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: app
              services:
                app:
                  loadBalancer:
                    serversTransport: tls
                    servers:
                      - url: "{{serverUrl}}"
              serversTransports:
                tls: { {{transport}} }
            """, logs.Factory);
        return new Started(host, logs);
    }

    private sealed record Started(PorticoHost Host, CapturingLoggerProvider Logs) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            Logs.Dispose();
        }
    }
}
