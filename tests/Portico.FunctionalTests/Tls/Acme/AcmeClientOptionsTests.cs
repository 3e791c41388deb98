using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Tls.Acme;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>The client options against a real pebble: certificate key types, External Account Binding, preferred chain, nonce rejection.</summary>
public sealed class AcmeClientOptionsTests(PebbleFixture fixture) : IClassFixture<PebbleFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // A MAC key as pebble's example configuration has it: base64url, no padding.
    private const string MacKey = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

    [Theory]
    [InlineData("EC384", "ECDSA", 384)]
    [InlineData("RSA2048", "RSA", 2048)]
    public async Task The_certificate_key_has_the_configured_type(string keyType, string algorithm, int size)
    {
        using var http = fixture.Pebble.CreateHttpClient();
        using var accountKey = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, fixture.Pebble.DirectoryUrl, accountKey, TimeProvider.System) { CertificateKeyType = keyType };
        await client.CreateAccountAsync([], true, CancellationToken.None).WaitAsync(Timeout);

        var name = keyType.ToLowerInvariant() + ".portico-acme.example";
        var issued = await client.IssueAsync([name], [new Http01ChallengeSolver(fixture.Challenges)], CancellationToken.None).WaitAsync(Timeout);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);
        using var publicKey = (AsymmetricAlgorithm?)leaf.GetECDsaPublicKey() ?? leaf.GetRSAPublicKey();
        Assert.Equal(algorithm, publicKey is ECDsa ? "ECDSA" : "RSA");
        Assert.Equal(size, publicKey!.KeySize);
        Assert.True(leaf.HasPrivateKey);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", issued.PrivateKeyPem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CA_requiring_EAB_accepts_the_right_key_and_refuses_a_missing_or_wrong_one_with_its_problem()
    {
        await using var pebble = await PebbleServer.StartAsync(new PebbleOptions
        {
            ExtraConfigJson = $$""","externalAccountBindingRequired":true,"externalAccountMACKeys":{"kid-1":"{{MacKey}}"}""",
        }).WaitAsync(Timeout);
        using var http = pebble.CreateHttpClient();

        async Task<AcmeException> RefusedAsync((string, byte[])? binding)
        {
            using var key = AcmeAccountKey.CreateEcdsa();
            var client = new AcmeClient(http, pebble.DirectoryUrl, key, TimeProvider.System) { ExternalAccountBinding = binding };
            return await Assert.ThrowsAsync<AcmeException>(() => client.CreateAccountAsync([], true, CancellationToken.None).WaitAsync(Timeout));
        }

        var missing = await RefusedAsync(null);
        var wrong = await RefusedAsync(("kid-1", System.Buffers.Text.Base64Url.DecodeFromChars("d3JvbmctbWFjLWtleS13cm9uZy1tYWMta2V5")));
        using var accountKey = AcmeAccountKey.CreateEcdsa();
        var bound = new AcmeClient(http, pebble.DirectoryUrl, accountKey, TimeProvider.System)
        {
            ExternalAccountBinding = ("kid-1", System.Buffers.Text.Base64Url.DecodeFromChars(MacKey)),
        };
        var account = await bound.CreateAccountAsync(["eab@portico.example"], true, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal("urn:ietf:params:acme:error:externalAccountRequired", missing.Type);
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", wrong.Type);
        Assert.False(string.IsNullOrWhiteSpace(wrong.Detail));
        Assert.Equal("valid", System.Text.Json.JsonDocument.Parse(account.Body).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task PreferredChain_picks_the_alternate_chain_whose_top_issuer_matches()
    {
        await using var pebble = await PebbleServer.StartAsync(new PebbleOptions
        {
            Environment = new Dictionary<string, string> { ["PEBBLE_ALTERNATE_ROOTS"] = "2" },
        }).WaitAsync(Timeout);
        var challenges = new InMemoryHttp01ChallengeStore();
        await using var challengeServer = await PebbleFixture.StartChallengeServerAsync(challenges, pebble.HttpPort);
        using var http = pebble.CreateHttpClient();
        var roots = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var pem = await http.GetStringAsync(new Uri(pebble.ManagementUrl, $"roots/{i}")).WaitAsync(Timeout);
            using var root = X509Certificate2.CreateFromPem(pem);
            roots.Add(root.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        }

        Assert.Equal(3, roots.Distinct().Count());
        foreach (var (preferred, index) in new[] { (roots[0], 0), (roots[2], 2), ("No Such Root", 0) })
        {
            using var key = AcmeAccountKey.CreateEcdsa();
            var client = new AcmeClient(http, pebble.DirectoryUrl, key, TimeProvider.System) { PreferredChain = preferred };
            await client.CreateAccountAsync([], true, CancellationToken.None).WaitAsync(Timeout);

            var issued = await client.IssueAsync([$"chain{index}.portico-acme.example"], [new Http01ChallengeSolver(challenges)], CancellationToken.None).WaitAsync(Timeout);

            Assert.True(AcmeClient.TopIssuerIs(issued.CertificatePem, roots[index]), $"preferred {preferred}: expected the chain to {roots[index]}");
        }
    }

    /// <remarks>
    /// The rate is 10%, not 50%: pebble rejects each request independently, and with five retries a request fails
    /// when six rejections come in a row — 1/64 at 50%, so a run of ~90 requests would fail about three times in four.
    /// At 10% that is 1e-6 per request, while ~90 requests still meet about nine rejections (none at all: 1e-4).
    /// The exact retry count is pinned by AcmeClientRetryTests against a scripted CA.
    /// </remarks>
    [Fact]
    public async Task Rejected_nonces_are_retried_through_a_dozen_issuances()
    {
        await using var pebble = await PebbleServer.StartAsync(new PebbleOptions
        {
            Environment = new Dictionary<string, string> { ["PEBBLE_WFE_NONCEREJECT"] = "10" },
        }).WaitAsync(Timeout);
        var challenges = new InMemoryHttp01ChallengeStore();
        await using var challengeServer = await PebbleFixture.StartChallengeServerAsync(challenges, pebble.HttpPort);
        var rejections = new BadNonceCounter(pebble);
        using var http = new HttpClient(rejections);
        using var key = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, pebble.DirectoryUrl, key, TimeProvider.System);
        await client.CreateAccountAsync([], true, CancellationToken.None).WaitAsync(Timeout);

        for (var i = 0; i < 12; i++)
        {
            var issued = await client.IssueAsync([$"nonce{i}.portico-acme.example"], [new Http01ChallengeSolver(challenges)], CancellationToken.None).WaitAsync(Timeout);
            Assert.Contains("BEGIN CERTIFICATE", issued.CertificatePem, StringComparison.Ordinal);
        }

        Assert.True(rejections.Count > 0, "pebble rejected no nonce");
    }

    /// <summary>Counts pebble's badNonce answers, to show the client met (and survived) them.</summary>
    private sealed class BadNonceCounter(PebbleServer pebble) : DelegatingHandler(ExtractHandler(pebble))
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                if ((await response.Content.ReadAsStringAsync(cancellationToken)).Contains(AcmeProblem.BadNonce, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _count);
                }
            }

            return response;
        }

        private static HttpMessageHandler ExtractHandler(PebbleServer pebble) => pebble.CreateHandler();
    }
}
