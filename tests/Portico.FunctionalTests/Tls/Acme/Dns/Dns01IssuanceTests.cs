using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portico.Configuration.Static;
using Portico.Tls.Acme;
using Portico.Tls.Acme.Dns;

namespace Portico.FunctionalTests.Tls.Acme.Dns;

/// <summary>
/// DNS-01 against a real pebble, which validates by querying pebble-challtestsrv's mock DNS: the providers publish the
/// TXT records there, and the propagation check queries the same server with Portico's own DNS client.
/// </summary>
public sealed class Dns01IssuanceTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly DnsScripts _scripts = new();
    private PebbleServer? _pebble;

    private PebbleServer Pebble => _pebble!;

    public async Task InitializeAsync() => _pebble = await PebbleServer.StartAsync().WaitAsync(Timeout);

    public async Task DisposeAsync() => await Pebble.DisposeAsync();

    public void Dispose() => _scripts.Dispose();

    [Fact]
    public async Task Exec_with_a_curl_script_issues_a_wildcard_certificate_after_the_propagation_check()
    {
        var environment = new Dictionary<string, string> { ["EXEC_PATH"] = _scripts.Challtestsrv(Pebble.DnsManagementUrl), ["EXEC_POLLING_INTERVAL"] = "1" };

        var issued = await IssueAsync(["*.example.test", "example.test"], "exec", environment);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal(["*.example.test", "example.test"], TlsHandshake.DnsNames(leaf).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Httpreq_posts_present_and_cleanup_with_basic_auth()
    {
        var calls = new List<string>();
        using var forward = new HttpClient { BaseAddress = Pebble.DnsManagementUrl, Timeout = TimeSpan.FromSeconds(10) };
        await using var api = await Backend.StartAsync(async context =>
        {
            // Like a DNS host's API: refuse without the right credentials, then publish through challtestsrv.
            if (context.Request.Headers.Authorization.ToString() != "Basic " + Convert.ToBase64String("dns:s3cret"u8.ToArray()))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var fqdn = body.RootElement.GetProperty("fqdn").GetString()!;
            var value = body.RootElement.GetProperty("value").GetString()!;
            lock (calls)
            {
                calls.Add($"{context.Request.Method} {context.Request.Path} {fqdn}");
            }

            using var response = context.Request.Path == "/dns/present"
                ? await forward.PostAsJsonAsync("set-txt", new { host = fqdn, value })
                : await forward.PostAsJsonAsync("clear-txt", new { host = fqdn });
            context.Response.StatusCode = (int)response.StatusCode;
        });
        var environment = new Dictionary<string, string>
        {
            ["HTTPREQ_ENDPOINT"] = new Uri(api.Url, "/dns").ToString(),
            ["HTTPREQ_USERNAME"] = "dns",
            ["HTTPREQ_PASSWORD"] = "s3cret",
            ["HTTPREQ_POLLING_INTERVAL"] = "1",
        };

        var issued = await IssueAsync(["req.example.test"], "httpreq", environment);

        using var leaf = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal(["req.example.test"], TlsHandshake.DnsNames(leaf));
        Assert.Equal(["POST /dns/present _acme-challenge.req.example.test.", "POST /dns/cleanup _acme-challenge.req.example.test."], calls);
    }

    [Fact]
    public async Task A_failing_provider_fails_the_issuance_with_its_name_and_error_output()
    {
        var script = _scripts.Write("fail.sh", "#!/bin/sh\necho \"zone example.test is locked\" >&2\nexit 1");
        var environment = new Dictionary<string, string> { ["EXEC_PATH"] = script };

        var error = await Assert.ThrowsAsync<AcmeException>(() => IssueAsync(["fail.example.test"], "exec", environment));

        Assert.Contains("DNS provider exec", error.Message, StringComparison.Ordinal);
        Assert.Contains("exited with code 1: zone example.test is locked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_that_never_appears_fails_after_the_propagation_timeout()
    {
        var script = _scripts.Write("noop.sh", "#!/bin/sh\nexit 0");
        var environment = new Dictionary<string, string> { ["EXEC_PATH"] = script, ["EXEC_PROPAGATION_TIMEOUT"] = "2", ["EXEC_POLLING_INTERVAL"] = "1" };

        var error = await Assert.ThrowsAsync<AcmeException>(() => IssueAsync(["never.example.test"], "exec", environment));

        Assert.Contains("DNS provider exec: the TXT record _acme-challenge.never.example.test. did not propagate within 00:00:02", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{DnsScripts.Port(Pebble.DnsPort)} answered 0 other value(s)", error.Message, StringComparison.Ordinal);
    }

    private async Task<AcmeCertificate> IssueAsync(string[] names, string provider, Dictionary<string, string> environment)
    {
        using var http = Pebble.CreateHttpClient();
        using var key = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, Pebble.DirectoryUrl, key, TimeProvider.System);
        await client.CreateAccountAsync(["dns@portico.example"], termsOfServiceAgreed: true, CancellationToken.None).WaitAsync(Timeout);
        var config = new AcmeDnsChallengeConfig { Provider = provider, Resolvers = [$"127.0.0.1:{DnsScripts.Port(Pebble.DnsPort)}"] };
        var solver = new Dns01ChallengeSolver(config, environment.GetValueOrDefault, TimeProvider.System);
        return await client.IssueAsync(names, [solver], CancellationToken.None).WaitAsync(Timeout);
    }
}
