using System.Security.Cryptography;
using System.Text;
using Portico.Tls.Acme;
using Portico.Tls.Acme.Dns;

namespace Portico.Tests.Tls.Acme.Dns;

public sealed class DnsProviderTests
{
    private static readonly DnsChallengeRecord Record = DnsChallengeRecord.From(new AcmePendingChallenge("a.example.test", Wildcard: true, "tok", "tok.thumb"));

    [Fact]
    public void The_record_is_under_acme_challenge_with_a_trailing_dot_and_the_hashed_key_authorization()
    {
        var expected = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("tok.thumb"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal("_acme-challenge.a.example.test.", Record.Fqdn);
        Assert.Equal(expected, Record.Value);
        Assert.Equal(43, Record.Value.Length);
    }

    [Theory]
    [InlineData("present", false, new[] { "present", "_acme-challenge.a.example.test.", "VALUE" })]
    [InlineData("cleanup", false, new[] { "cleanup", "_acme-challenge.a.example.test.", "VALUE" })]
    [InlineData("present", true, new[] { "present", "--", "a.example.test", "tok", "tok.thumb" })]
    [InlineData("cleanup", true, new[] { "cleanup", "--", "a.example.test", "tok", "tok.thumb" })]
    public void Exec_arguments_are_legos(string action, bool raw, string[] expected)
    {
        var arguments = ExecDnsProvider.BuildArguments(action, Record, raw);

        Assert.Equal(expected.Select(a => a == "VALUE" ? Record.Value : a), arguments);
    }

    [Theory]
    [InlineData("default mode", false, "{\"fqdn\":\"_acme-challenge.a.example.test.\",\"value\":\"VALUE\"}")]
    [InlineData("RAW mode", true, "{\"domain\":\"a.example.test\",\"token\":\"tok\",\"keyAuth\":\"tok.thumb\"}")]
    public void Httpreq_bodies_are_legos(string scenario, bool raw, string expected)
    {
        Assert.True(expected.Replace("VALUE", Record.Value, StringComparison.Ordinal) == HttpReqDnsProvider.BuildBody(Record, raw), scenario);
    }

    [Theory]
    [InlineData("http://dns.test:9090", "present", "http://dns.test:9090/present")]
    [InlineData("http://dns.test/api/", "cleanup", "http://dns.test/api/cleanup")]
    [InlineData("https://dns.test/api", "present", "https://dns.test/api/present")]
    public void Httpreq_urls_append_the_action(string endpoint, string action, string expected)
    {
        Assert.Equal(new Uri(expected), HttpReqDnsProvider.BuildUrl(new Uri(endpoint), action));
    }

    public static TheoryData<string, string, Dictionary<string, string>, string> Failures => new()
    {
        { "unknown provider", "route53", new(), "unknown DNS provider \"route53\": Portico supports exec, httpreq" },
        { "exec without EXEC_PATH", "exec", new(), "DNS provider exec: the environment variable EXEC_PATH is not set" },
        { "httpreq without endpoint", "httpreq", new(), "DNS provider httpreq: the environment variable HTTPREQ_ENDPOINT is not set" },
        { "httpreq with a relative endpoint", "httpreq", new() { ["HTTPREQ_ENDPOINT"] = "dns/api" }, "is not an http(s) URL" },
        { "timeout not in seconds", "exec", new() { ["EXEC_PATH"] = "/bin/true", ["EXEC_PROPAGATION_TIMEOUT"] = "2m" }, "EXEC_PROPAGATION_TIMEOUT=\"2m\" is not a whole number of seconds" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Bad_settings_name_the_provider_and_the_variable(string scenario, string provider, Dictionary<string, string> environment, string message)
    {
        var error = Assert.Throws<AcmeException>(() => DnsProviders.Create(provider, environment.GetValueOrDefault));

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), scenario + ": " + error.Message);
    }

    [Theory]
    [InlineData("defaults", "", "", 60, 3)]
    [InlineData("set", "120", "1", 120, 1)]
    public void Exec_timing_comes_from_its_variables(string scenario, string timeout, string interval, int expectedTimeout, int expectedInterval)
    {
        var environment = new Dictionary<string, string> { ["EXEC_PATH"] = "/bin/true", ["EXEC_PROPAGATION_TIMEOUT"] = timeout, ["EXEC_POLLING_INTERVAL"] = interval };

        var provider = DnsProviders.Create("exec", environment.GetValueOrDefault);

        Assert.True(TimeSpan.FromSeconds(expectedTimeout) == provider.PropagationTimeout, scenario);
        Assert.True(TimeSpan.FromSeconds(expectedInterval) == provider.PollingInterval, scenario);
    }

    [Fact]
    public void A_variable_may_come_from_the_file_named_by_its_FILE_twin()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "http://dns.test:8080\n");
            var environment = new Dictionary<string, string> { ["HTTPREQ_ENDPOINT_FILE"] = file };

            var settings = new DnsProviderSettings("httpreq", environment.GetValueOrDefault);

            Assert.Equal("http://dns.test:8080", settings.Require("HTTPREQ_ENDPOINT"));
            Assert.Equal(TimeSpan.FromSeconds(2), DnsProviders.Create("httpreq", environment.GetValueOrDefault).PollingInterval);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
