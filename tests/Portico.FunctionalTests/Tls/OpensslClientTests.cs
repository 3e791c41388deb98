using System.Diagnostics;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls;

/// <summary>
/// Portico's TLS entry point as OpenSSL's own client sees it (<c>openssl s_client</c>, Debian package openssl): a TLS
/// stack other than .NET's, for SNI selection, version limits and ALPN.
/// </summary>
public sealed class OpensslClientTests
{
    public static TheoryData<string, string[], string?, string?, string?> Rows => new()
    {
        // row, s_client arguments, expected subject CN, protocol, ALPN (null: the handshake must fail)
        { "SNI picks the exact certificate", ["-servername", "a.example.com"], "a.example.com", "TLSv1.3", null },
        { "unknown SNI gets the generated default", ["-servername", "other.test"], "TRAEFIK DEFAULT CERT", "TLSv1.3", null },
        { "TLS 1.2 accepted by default", ["-servername", "a.example.com", "-tls1_2"], "a.example.com", "TLSv1.2", null },
        { "ALPN h2", ["-servername", "a.example.com", "-alpn", "h2"], "a.example.com", "TLSv1.3", "h2" },
        { "ALPN http/1.1 preferred by the client", ["-servername", "a.example.com", "-alpn", "http/1.1,h2"], "a.example.com", "TLSv1.3", "h2" },
        { "TLS 1.2 refused by the modern options of modern.test", ["-servername", "modern.test", "-tls1_2"], null, null, null },
        { "TLS 1.3 accepted for modern.test", ["-servername", "modern.test", "-tls1_3"], "TRAEFIK DEFAULT CERT", "TLSv1.3", null },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task OpensslSeesTheRightHandshakeAsync(string row, string[] arguments, string? subject, string? protocol, string? alpn)
    {
        await using var backend = await Backend.NamedAsync("app");
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              websecure:
                address: "127.0.0.1:0"
                http:
                  tls: {}
            """);
        var exact = TestCertificates.Write(portico.Directory, "a", "a.example.com");
        await portico.WriteDynamicAsync($$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: app
                modern:
                  rule: "Host(`modern.test`)"
                  service: app
                  tls:
                    options: modern
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            tls:
              certificates:
                - {certFile: "{{exact.CertFile}}", keyFile: "{{exact.KeyFile}}"}
              options:
                modern:
                  minVersion: VersionTLS13
            """);

        var (exitCode, output) = await SClientAsync(portico.Url("websecure").Port, arguments);

        if (protocol is null)
        {
            Assert.True(exitCode != 0 || output.Contains("Cipher is (NONE)", StringComparison.Ordinal), $"{row}: the handshake should fail\n{output}");
            return;
        }

        Assert.True(exitCode == 0, $"{row}: s_client failed\n{output}");
        Assert.Contains($"subject=CN = {subject}", output, StringComparison.Ordinal);
        Assert.Contains($"New, {protocol}, Cipher is", output, StringComparison.Ordinal);
        Assert.Contains(alpn is null ? "No ALPN negotiated" : $"ALPN protocol: {alpn}", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> SClientAsync(int port, string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["s_client", "-connect", $"127.0.0.1:{port}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("openssl is not on PATH: install the Debian package openssl to run this test", ex);
        }

        using (process)
        {
            // Closing stdin makes s_client end the session right after the handshake.
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(PorticoHost.Timeout);
            return (process.ExitCode, await output.WaitAsync(PorticoHost.Timeout) + await error.WaitAsync(PorticoHost.Timeout));
        }
    }
}
