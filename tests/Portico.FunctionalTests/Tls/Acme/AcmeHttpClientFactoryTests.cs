using Portico.Configuration.Static;
using Portico.Providers.Acme;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>The resolver's HttpClient against pebble's listener (a self-signed certificate for 127.0.0.1 and localhost).</summary>
public sealed class AcmeHttpClientFactoryTests(PebbleFixture fixture) : IClassFixture<PebbleFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("caCertificates trust the private CA", true, false, null, true)]
    [InlineData("the system roots alone do not know pebble", false, false, null, false)]
    [InlineData("caSystemCertPool adds the system roots to caCertificates", true, true, null, true)]
    [InlineData("caServerName naming a name of the certificate", true, false, "localhost", true)]
    [InlineData("caServerName the certificate does not carry", true, false, "ca.example.com", false)]
    public async Task The_CA_certificate_is_verified_as_configured(string scenario, bool caCertificates, bool systemPool, string? serverName, bool trusted)
    {
        var config = new AcmeResolverConfig
        {
            CaServer = fixture.Pebble.DirectoryUrl.AbsoluteUri,
            CaCertificates = caCertificates ? [fixture.Pebble.CertificatePath] : null,
            CaSystemCertPool = systemPool,
            CaServerName = serverName,
        };
        using var http = AcmeHttpClientFactory.Create(config);

        var verdict = await TryGetAsync(http, fixture.Pebble.DirectoryUrl);

        Assert.True(trusted == verdict.Ok, $"{scenario}: {verdict.Error}");
    }

    [Fact]
    public async Task ClientResponseHeaderTimeout_gives_up_on_a_CA_that_sends_no_headers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var silent = await Backend.StartAsync(async context => await release.Task.WaitAsync(Timeout));
        using var http = AcmeHttpClientFactory.Create(new AcmeResolverConfig { ClientResponseHeaderTimeout = TimeSpan.FromMilliseconds(200) });
        try
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(() => http.GetAsync(silent.Url).WaitAsync(Timeout));

            Assert.Contains("no response headers", error.Message, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromMinutes(2), http.Timeout);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    private static async Task<(bool Ok, string? Error)> TryGetAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url).WaitAsync(Timeout);
            return (response.IsSuccessStatusCode, response.StatusCode.ToString());
        }
        catch (HttpRequestException ex)
        {
            return (false, ex.Message);
        }
    }
}
