using System.Security.Cryptography.X509Certificates;
using Portico.Tls.Acme;

namespace Portico.FunctionalTests.Tls.Acme;

public sealed class AcmeIssuanceTests(PebbleFixture fixture) : IClassFixture<PebbleFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string[]> Names => new()
    {
        { "one name", ["one.portico-acme.example"] },
        { "two names", ["two.portico-acme.example", "www.two.portico-acme.example"] },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Issues_a_certificate_whose_SANs_are_the_requested_names(string scenario, string[] names)
    {
        using var http = fixture.Pebble.CreateHttpClient();
        using var key = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, fixture.Pebble.DirectoryUrl, key, TimeProvider.System);
        await client.CreateAccountAsync(["admin@portico.example"], termsOfServiceAgreed: true, CancellationToken.None).WaitAsync(Timeout);

        var issued = await client.IssueAsync(names, [new Http01ChallengeSolver(fixture.Challenges)], CancellationToken.None).WaitAsync(Timeout);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);
        Assert.True(leaf.HasPrivateKey, scenario);
        Assert.Equal(names.Order(StringComparer.Ordinal), TlsHandshake.DnsNames(leaf).Order(StringComparer.Ordinal));
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(issued.CertificatePem);
        Assert.True(chain.Count >= 2, $"{scenario}: expected leaf and intermediate, got {chain.Count}");
    }

    [Fact]
    public async Task An_RSA_account_key_imported_from_Traefik_signs_with_RS256()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var http = fixture.Pebble.CreateHttpClient();
        using var key = AcmeAccountKey.Import(rsa.ExportRSAPrivateKey());
        var client = new AcmeClient(http, fixture.Pebble.DirectoryUrl, key, TimeProvider.System);
        await client.CreateAccountAsync(["rsa@portico.example"], termsOfServiceAgreed: true, CancellationToken.None).WaitAsync(Timeout);

        var issued = await client.IssueAsync(["rsa.portico-acme.example"], [new Http01ChallengeSolver(fixture.Challenges)], CancellationToken.None).WaitAsync(Timeout);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal("RS256", key.Algorithm);
        Assert.Equal(["rsa.portico-acme.example"], TlsHandshake.DnsNames(leaf));
    }

    [Fact]
    public async Task A_wrong_key_authorization_fails_with_the_CAs_problem_document()
    {
        using var http = fixture.Pebble.CreateHttpClient();
        using var key = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, fixture.Pebble.DirectoryUrl, key, TimeProvider.System);
        await client.CreateAccountAsync(["admin@portico.example"], termsOfServiceAgreed: true, CancellationToken.None).WaitAsync(Timeout);

        var error = await Assert.ThrowsAsync<AcmeException>(
            () => client.IssueAsync(["wrong.portico-acme.example"], [new Http01ChallengeSolver(new WrongKeyAuthorizations(fixture.Challenges))], CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal("urn:ietf:params:acme:error:unauthorized", error.Type);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    [Fact]
    public async Task An_account_saved_to_storage_is_reused()
    {
        var directory = Directory.CreateTempSubdirectory("portico-acme-");
        try
        {
            var storage = new AcmeStorage(Path.Combine(directory.FullName, "acme.json"), TimeProvider.System);
            using var http = fixture.Pebble.CreateHttpClient();
            Uri firstUrl;
            using (var key = AcmeAccountKey.CreateEcdsa())
            {
                var client = new AcmeClient(http, fixture.Pebble.DirectoryUrl, key, TimeProvider.System);
                var account = await client.CreateAccountAsync(["reuse@portico.example"], true, CancellationToken.None).WaitAsync(Timeout);
                firstUrl = account.Url;
                var data = new Dictionary<string, AcmeResolverData>
                {
                    ["le"] = new() { Account = AcmeStoredAccount.From("reuse@portico.example", account, key) },
                };
                await storage.SaveAsync(data, CancellationToken.None).WaitAsync(Timeout);
            }

            var loaded = await storage.LoadAsync(CancellationToken.None).WaitAsync(Timeout);
            var stored = loaded.Resolvers["le"].Account!;
            using var reloadedKey = AcmeAccountKey.Import(stored.PrivateKey);
            var reused = new AcmeClient(http, fixture.Pebble.DirectoryUrl, reloadedKey, TimeProvider.System, new Uri(stored.Registration!.Uri));
            var issued = await reused.IssueAsync(["reuse.portico-acme.example"], [new Http01ChallengeSolver(fixture.Challenges)], CancellationToken.None).WaitAsync(Timeout);
            var again = await reused.CreateAccountAsync(["reuse@portico.example"], true, CancellationToken.None).WaitAsync(Timeout);

            using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
            Assert.Equal(firstUrl, again.Url);
            Assert.Equal(["reuse.portico-acme.example"], TlsHandshake.DnsNames(leaf));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Publishes a key authorization with a wrong thumbprint, as a misconfigured key would.</summary>
    private sealed class WrongKeyAuthorizations(IHttp01ChallengeStore inner) : IHttp01ChallengeStore
    {
        public void Add(string token, string keyAuthorization) => inner.Add(token, token + ".not-the-account-thumbprint");

        public void Remove(string token) => inner.Remove(token);

        public bool TryGet(string token, out string keyAuthorization) => inner.TryGet(token, out keyAuthorization);
    }
}
