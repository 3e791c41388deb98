using System.Text.Json;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// Portico's ACME resolver over time, on a clock running 60 times faster than real time: a CA that goes down and comes
/// back without its state, and the renewal of short-lived certificates.
/// </summary>
public sealed class AcmeResilienceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_CA_that_fails_is_retried_with_its_error_in_the_API_and_after_it_recovers_without_state_the_account_is_registered_again()
    {
        var webPort = FreePort.Get();
        await using var pebble = await PebbleServer.StartAsync(httpPort: webPort).WaitAsync(Timeout);
        await using var backend = await Backend.NamedAsync("app");
        using var directory = new TempAcmeDirectory();
        using var logs = new CapturingLoggerProvider();
        await using var portico = await PorticoHost.StartAsync(StaticYaml(webPort, pebble, directory.Storage), Routers(backend, "one.example.test"), logs.Factory, new AcceleratedTimeProvider(60));
        var port = portico.Url("websecure").Port;
        (await TlsHandshake.WaitForPebbleCertificateAsync(port, "one.example.test", pebble)).Dispose();
        var firstAccount = StoredAccountUri(directory.Storage);

        await pebble.StopPebbleAsync().WaitAsync(Timeout);
        await portico.WriteDynamicAsync(Routers(backend, "one.example.test", "two.example.test"));
        var failure = await logs.WaitForAsync("could not obtain a certificate for two.example.test").WaitAsync(Timeout);
        var status = await AcmeStatusAsync(portico, "two.example.test");
        Assert.Equal("error", status.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(status.GetProperty("lastError").GetProperty("detail").GetString()), status.ToString());
        Assert.True(status.TryGetProperty("nextRetry", out _), status.ToString());
        Assert.Equal("valid", (await AcmeStatusAsync(portico, "one.example.test")).GetProperty("status").GetString());

        await pebble.StartPebbleAsync().WaitAsync(Timeout);
        using var second = await TlsHandshake.WaitForPebbleCertificateAsync(port, "two.example.test", pebble);

        Assert.Contains("retrying at", failure, StringComparison.Ordinal);
        Assert.NotEqual(firstAccount, StoredAccountUri(directory.Storage));
        Assert.Contains(logs.Messages, m => m.Contains("no longer knows account", StringComparison.Ordinal));
        Assert.Equal("valid", (await AcmeStatusAsync(portico, "two.example.test")).GetProperty("status").GetString());
    }

    internal static string StaticYaml(int webPort, PebbleServer pebble, string storage, string email = "admin@portico.example", int certificatesDuration = 2160) => $$"""
        entryPoints:
          web:
            address: "127.0.0.1:{{webPort}}"
          websecure:
            address: "127.0.0.1:0"
            http:
              tls: {}
          traefik:
            address: "127.0.0.1:0"
        api:
          insecure: true
        certificatesResolvers:
          pebble:
            acme:
              email: {{email}}
              caServer: "{{pebble.DirectoryUrl}}"
              storage: "{{storage}}"
              keyType: EC256
              certificatesDuration: {{certificatesDuration}}
              caCertificates: ["{{pebble.CertificatePath}}"]
              httpChallenge:
                entryPoint: web
        """;

    internal static string Routers(Backend backend, params string[] hosts) =>
        "http:\n  routers:\n"
        + string.Concat(hosts.Select((host, i) => $"    r{i}:\n      rule: \"Host(`{host}`)\"\n      entryPoints: [websecure]\n      service: app\n      tls:\n        certResolver: pebble\n"))
        + $"  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"{backend.Url}\"\n";

    internal static string StoredAccountUri(string storage)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(storage));
        return document.RootElement.GetProperty("pebble").GetProperty("Account").GetProperty("Registration").GetProperty("uri").GetString()!;
    }

    internal static async Task<JsonElement> AcmeStatusAsync(PorticoHost portico, string domain)
    {
        var all = await ApiClient.GetAsync(portico, "/api/acme") ?? throw new InvalidOperationException("/api/acme answered 404");
        foreach (var entry in all.EnumerateArray())
        {
            if (entry.GetProperty("domains").EnumerateArray().Any(d => d.GetString() == domain))
            {
                return entry;
            }
        }

        throw new InvalidOperationException($"{domain} is not in /api/acme: {all}");
    }

    /// <summary>A temporary directory holding the test's acme.json.</summary>
    internal sealed class TempAcmeDirectory : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("portico-acme-resilience-");

        public string Storage => Path.Combine(_directory.FullName, "acme.json");

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
