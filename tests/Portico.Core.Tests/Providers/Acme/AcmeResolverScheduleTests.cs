using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Configuration.Static;
using Portico.Providers.Acme;
using Portico.Runtime;
using Portico.Tls.Acme;

namespace Portico.Tests.Providers.Acme;

/// <summary>
/// When a resolver renews (Traefik's table for <c>certificatesDuration</c>) and how a failure is scheduled and shown,
/// on a fake clock. The CA is never reached: the HttpClient factory fails, as an unreachable CA would.
/// </summary>
public sealed class AcmeResolverScheduleTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("portico-acme-schedule-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("Traefik's default, 90 days: 30 days before expiry", 2160, 170)]
    [InlineData("one year: 4 months before expiry", 8760, 80)]
    [InlineData("one day: 6 hours before expiry", 24, 199.75)]
    public async Task A_stored_certificate_is_renewed_by_the_table_and_a_failed_renewal_is_retried_with_its_error_shown(string scenario, int hours, double dueDays)
    {
        var time = new FakeTimeProvider();
        var notAfter = time.GetUtcNow().AddDays(200);
        var file = new AcmeStorageFile(new AcmeStorage(Path.Combine(_directory.FullName, "acme.json"), time));
        file.Data["le"] = new AcmeResolverData { Certificates = [Stored("a.example", time.GetUtcNow().AddDays(-1), notAfter)] };
        var board = new AcmeStatusBoard();
        var resolver = new AcmeResolver("le", new AcmeResolverConfig { CertificatesDuration = hours }, file, [],
            _ => throw new HttpRequestException("connection refused (test CA)"), time, NullLogger.Instance, board);
        RouterInfo[] routers = [new() { Name = "r@file", Provider = "file", CertResolver = "le", RuleHosts = ["a.example"] }];

        Assert.False(await resolver.ReconcileAsync(routers, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        var due = time.GetUtcNow().AddDays(dueDays);
        Assert.True(due == resolver.NextDue, $"{scenario}: due {resolver.NextDue:O}, expected {due:O}");
        var waiting = board.Get("le", ["a.example"])!;
        Assert.Equal((AcmeStatusBoard.Valid, due, notAfter), (waiting.Status, waiting.RenewAt, waiting.NotAfter));

        time.Advance(due - time.GetUtcNow());
        Assert.False(await resolver.ReconcileAsync(routers, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        var failed = board.Get("le", ["a.example"])!;
        Assert.Equal(AcmeStatusBoard.Failing, failed.Status);
        Assert.Equal("connection refused (test CA)", failed.LastError!.Detail);
        Assert.Equal(time.GetUtcNow().AddMinutes(1), failed.NextRetry);
        Assert.Equal(failed.NextRetry, resolver.NextDue);
        Assert.Single(file.Data["le"].Certificates);
    }

    [Theory]
    [InlineData("no router asks for it any more (removed router, on-demand name)", "", 1)]
    [InlineData("a router asks for exactly its names", "a.example", 1)]
    [InlineData("a router asks for a name it covers: one renewal, not two", "a.example|b.example", 1)]
    public async Task Every_stored_certificate_is_renewed_once_as_in_Traefik(string scenario, string routerHosts, int attempts)
    {
        var time = new FakeTimeProvider();
        var file = new AcmeStorageFile(new AcmeStorage(Path.Combine(_directory.FullName, "acme.json"), time));
        file.Data["le"] = new AcmeResolverData { Certificates = [Stored("a.example", time.GetUtcNow().AddDays(-80), time.GetUtcNow().AddDays(10), "b.example")] };
        var board = new AcmeStatusBoard();
        var tries = 0;
        var resolver = new AcmeResolver("le", new AcmeResolverConfig(), file, [],
            _ =>
            {
                tries++;
                throw new HttpRequestException("connection refused (test CA)");
            }, time, NullLogger.Instance, board);
        RouterInfo[] routers = routerHosts.Length == 0
            ? []
            : [.. routerHosts.Split('|').Select(h => new RouterInfo { Name = h + "@file", Provider = "file", CertResolver = "le", RuleHosts = [h] })];

        await resolver.ReconcileAsync(routers, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // 10 days left is inside the default 30-day renewal period: the renewal is attempted (and fails: no CA).
        Assert.True(attempts == tries, $"{scenario}: {tries} attempts");
        Assert.Equal(time.GetUtcNow().AddMinutes(1), resolver.NextDue);
        Assert.Single(file.Data["le"].Certificates);
    }

    private static AcmeStoredCertificate Stored(string name, DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] sans)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        foreach (var extra in sans)
        {
            san.AddDnsName(extra);
        }

        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return new AcmeStoredCertificate
        {
            Domain = new AcmeDomain { Main = name, Sans = [.. sans] },
            Certificate = Encoding.UTF8.GetBytes(certificate.ExportCertificatePem()),
            Key = Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem()),
        };
    }
}
