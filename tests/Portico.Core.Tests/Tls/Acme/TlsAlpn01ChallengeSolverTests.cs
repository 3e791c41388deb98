using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Portico.Tls.Acme;

namespace Portico.Tests.Tls.Acme;

public sealed class TlsAlpn01ChallengeSolverTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("plain name", "app.example.test", "token.thumbprint")]
    [InlineData("base of a wildcard order", "example.test", "abc-DEF_123.xyz")]
    public void The_challenge_certificate_carries_the_critical_acme_identifier_and_only_the_domain_as_san(string scenario, string domain, string keyAuthorization)
    {
        _ = scenario;
        using var certificate = TlsAlpn01ChallengeSolver.CreateCertificate(domain, keyAuthorization, Now);

        var extension = Assert.Single(certificate.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == "1.3.6.1.5.5.7.1.31");
        Assert.True(extension.Critical);
        byte[] expected = [0x04, 0x20, .. SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization))];
        Assert.Equal(expected, extension.RawData);

        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal([domain], san.EnumerateDnsNames());
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        Assert.True(certificate.NotBefore.ToUniversalTime() <= Now.UtcDateTime && certificate.NotAfter.ToUniversalTime() > Now.UtcDateTime);
    }

    [Fact]
    public async Task Present_adds_the_domain_to_the_store_and_cleanup_removes_it()
    {
        var store = new InMemoryTlsAlpn01ChallengeStore();
        var solver = new TlsAlpn01ChallengeSolver(store, TimeProvider.System);
        var challenge = new AcmePendingChallenge("App.Example.Test", Wildcard: false, "token", "token.thumb");
        Assert.Equal("tls-alpn-01", solver.ChallengeType);

        await solver.PresentAsync(challenge, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(store.TryGet("app.example.test", out var options));
        Assert.Equal([InMemoryTlsAlpn01ChallengeStore.AcmeTls], options.ApplicationProtocols);
        Assert.False(store.TryGet("other.example.test", out _));

        await solver.CleanupAsync(challenge, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(store.TryGet("app.example.test", out _));
        Assert.True(store.IsEmpty);
    }
}
