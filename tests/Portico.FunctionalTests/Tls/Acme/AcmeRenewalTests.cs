using System.Text.Json;
using Portico.FunctionalTests.Infrastructure;
using static Portico.FunctionalTests.Tls.Acme.AcmeResilienceTests;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// Renewal end to end: pebble issues 25-minute certificates (<c>certificateValidityPeriod</c>), the resolver has
/// <c>certificatesDuration: 1</c> (Traefik renews those 20 minutes before expiry), and Portico's clock runs 60 times
/// faster, so the renewal comes about five seconds after issuance. A later start with another email registers a new
/// account, as Traefik does.
/// </summary>
public sealed class AcmeRenewalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_short_lived_certificate_is_renewed_before_expiry_and_a_changed_email_registers_a_new_account()
    {
        var webPort = FreePort.Get();
        await using var pebble = await PebbleServer.StartAsync(new PebbleOptions { HttpPort = webPort, ExtraConfigJson = ",\"certificateValidityPeriod\":1500" }).WaitAsync(Timeout);
        await using var backend = await Backend.NamedAsync("app");
        using var directory = new TempAcmeDirectory();
        string firstAccount;
        await using (var portico = await PorticoHost.StartAsync(StaticYaml(webPort, pebble, directory.Storage, certificatesDuration: 1), Routers(backend, "short.example.test"), time: new AcceleratedTimeProvider(60)))
        {
            var port = portico.Url("websecure").Port;
            using var first = await TlsHandshake.WaitForPebbleCertificateAsync(port, "short.example.test", pebble);
            // pebble's NotAfter is inclusive: the last valid second is 1499 s after NotBefore.
            Assert.InRange(first.NotAfter - first.NotBefore, TimeSpan.FromSeconds(1499), TimeSpan.FromSeconds(1500));

            using var renewed = await TlsHandshake.WaitForPebbleCertificateAsync(port, "short.example.test", pebble, c => c.SerialNumber != first.SerialNumber);

            Assert.True(renewed.NotAfter > first.NotAfter, $"renewed {renewed.NotAfter:O}, first {first.NotAfter:O}");
            var status = await AcmeStatusAsync(portico, "short.example.test");
            Assert.Equal("valid", status.GetProperty("status").GetString());
            firstAccount = StoredAccountUri(directory.Storage);
        }

        var staticYaml = StaticYaml(webPort, pebble, directory.Storage, email: "other@portico.example", certificatesDuration: 1);
        await using (var restarted = await PorticoHost.StartAsync(staticYaml, Routers(backend, "short.example.test", "new.example.test"), time: new AcceleratedTimeProvider(60)))
        {
            (await TlsHandshake.WaitForPebbleCertificateAsync(restarted.Url("websecure").Port, "new.example.test", pebble)).Dispose();
        }

        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(directory.Storage));
        var account = stored.RootElement.GetProperty("pebble").GetProperty("Account");
        Assert.Equal("other@portico.example", account.GetProperty("Email").GetString());
        Assert.NotEqual(firstAccount, account.GetProperty("Registration").GetProperty("uri").GetString());
    }
}
