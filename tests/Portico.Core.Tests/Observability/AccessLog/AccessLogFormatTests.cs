using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portico.Observability.AccessLog;

namespace Portico.Tests.Observability.AccessLog;

public sealed partial class AccessLogFormatTests
{
    [GeneratedRegex("""^(?<host>\S+) - (?<user>\S+) \[(?<time>[^\]]+)\] "(?<method>\S+) (?<path>\S+) (?<proto>[^"]+)" (?<status>\d+|-) (?<size>\d+|-) "(?<referer>[^"]*)" "(?<agent>[^"]*)"(?<rest>.*)$""")]
    private static partial Regex ClfLine();

    [GeneratedRegex("""^ (?<count>\d+|-) "(?<router>[^"]*)" "(?<url>[^"]*)" (?<ms>\d+)ms$""")]
    private static partial Regex TraefikSuffix();

    public static TheoryData<string, string, string, string, string> ClfRows => new()
    {
        // row, format, expected user, referer and user-agent (headers are dropped by default, as in Traefik)
        { "common, default fields", "common", "-", "-", "-" },
        { "genericCLF, default fields", "genericCLF", "-", "-", "-" },
        { "common with kept headers and a user", "common+headers", "alice", "http://ref.test/", "curl/8.0" },
    };

    [Theory]
    [MemberData(nameof(ClfRows))]
    public async Task Clf_lines_parse_back_into_their_fields(string row, string format, string user, string referer, string agent)
    {
        _ = row;
        var withHeaders = format.EndsWith("+headers", StringComparison.Ordinal);
        var config = new AccessLogConfig
        {
            Format = withHeaders ? "common" : format,
            Fields = withHeaders ? new AccessLogFieldsConfig { Headers = new AccessLogHeadersConfig { DefaultMode = "keep" } } : null,
        };

        var lines = await AccessLogHarness.LogAsync(config, (_, feature) => feature.ClientUsername = withHeaders ? "alice" : null);

        var match = ClfLine().Match(Assert.Single(lines));
        Assert.True(match.Success, lines[0]);
        Assert.Equal("192.0.2.10", match.Groups["host"].Value);
        Assert.Equal(user, match.Groups["user"].Value);
        Assert.Equal("01/Jan/2025:00:00:00 +0000", match.Groups["time"].Value);
        Assert.Equal("GET", match.Groups["method"].Value);
        Assert.Equal("/hello?x=1", match.Groups["path"].Value);
        Assert.Equal("HTTP/1.1", match.Groups["proto"].Value);
        Assert.Equal("200", match.Groups["status"].Value);
        Assert.Equal("5", match.Groups["size"].Value);
        Assert.Equal(referer, match.Groups["referer"].Value);
        Assert.Equal(agent, match.Groups["agent"].Value);
        var rest = match.Groups["rest"].Value;
        if (format == "genericCLF")
        {
            Assert.Equal(string.Empty, rest);
            return;
        }

        var suffix = TraefikSuffix().Match(rest);
        Assert.True(suffix.Success, rest);
        Assert.Equal("1", suffix.Groups["count"].Value);
        Assert.Equal("app@file", suffix.Groups["router"].Value);
        Assert.Equal("http://10.0.0.7:8080", suffix.Groups["url"].Value);
        Assert.Equal("15", suffix.Groups["ms"].Value);
    }

    [Fact]
    public async Task Json_lines_carry_Traefik_keys_and_types()
    {
        var lines = await AccessLogHarness.LogAsync(new AccessLogConfig { Format = "json" }, (context, feature) => feature.RetryAttempts = 2);

        using var json = JsonDocument.Parse(Assert.Single(lines));
        var root = json.RootElement;
        Assert.Equal("192.0.2.10:51000", root.GetProperty("ClientAddr").GetString());
        Assert.Equal("192.0.2.10", root.GetProperty("ClientHost").GetString());
        Assert.Equal("51000", root.GetProperty("ClientPort").GetString());
        Assert.Equal("-", root.GetProperty("ClientUsername").GetString());
        Assert.Equal(5, root.GetProperty("DownstreamContentSize").GetInt64());
        Assert.Equal(200, root.GetProperty("DownstreamStatus").GetInt32());
        Assert.Equal(15_000_000, root.GetProperty("Duration").GetInt64());
        Assert.Equal(5, root.GetProperty("OriginContentSize").GetInt64());
        Assert.Equal(10_000_000, root.GetProperty("OriginDuration").GetInt64());
        Assert.Equal(200, root.GetProperty("OriginStatus").GetInt32());
        Assert.Equal(5_000_000, root.GetProperty("Overhead").GetInt64());
        Assert.Equal("app.test:8000", root.GetProperty("RequestAddr").GetString());
        Assert.Equal(0, root.GetProperty("RequestContentSize").GetInt64());
        Assert.Equal(1, root.GetProperty("RequestCount").GetInt64());
        Assert.Equal("app.test", root.GetProperty("RequestHost").GetString());
        Assert.Equal("GET", root.GetProperty("RequestMethod").GetString());
        Assert.Equal("/hello?x=1", root.GetProperty("RequestPath").GetString());
        Assert.Equal("8000", root.GetProperty("RequestPort").GetString());
        Assert.Equal("HTTP/1.1", root.GetProperty("RequestProtocol").GetString());
        Assert.Equal("http", root.GetProperty("RequestScheme").GetString());
        Assert.Equal(2, root.GetProperty("RetryAttempts").GetInt32());
        Assert.Equal("app@file", root.GetProperty("RouterName").GetString());
        Assert.Equal("10.0.0.7:8080", root.GetProperty("ServiceAddr").GetString());
        Assert.Equal("app@file", root.GetProperty("ServiceName").GetString());
        Assert.Equal("http://10.0.0.7:8080", root.GetProperty("ServiceURL").GetString());
        Assert.Equal("2025-01-01T00:00:00Z", root.GetProperty("StartUTC").GetString());
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse(root.GetProperty("StartLocal").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("web", root.GetProperty("entryPointName").GetString());
        Assert.Equal("info", root.GetProperty("level").GetString());
        Assert.Equal(string.Empty, root.GetProperty("msg").GetString());
        Assert.True(root.TryGetProperty("time", out _));
        Assert.False(root.TryGetProperty("TLSVersion", out _));
        Assert.False(root.TryGetProperty("GzipRatio", out _));
    }

    [Fact]
    public async Task A_request_without_a_router_has_no_router_service_or_origin_fields()
    {
        var lines = await AccessLogHarness.LogAsync(new AccessLogConfig { Format = "json" }, (context, feature) =>
        {
            feature.RouterName = null;
            feature.ServiceName = null;
            feature.ServerUrl = null;
            feature.OriginStatus = 0;
            context.Response.StatusCode = 404;
        });

        using var json = JsonDocument.Parse(Assert.Single(lines));
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.DoesNotContain("RouterName", names);
        Assert.DoesNotContain("ServiceURL", names);
        Assert.DoesNotContain("OriginStatus", names);
        Assert.Equal(15_000_000, json.RootElement.GetProperty("Overhead").GetInt64());
        Assert.Equal(404, json.RootElement.GetProperty("DownstreamStatus").GetInt32());
    }

    [Theory]
    [InlineData("no port", "app.test", "app.test", "-")]
    [InlineData("port", "app.test:80", "app.test", "80")]
    [InlineData("IPv6 with port", "[::1]:8080", "::1", "8080")]
    [InlineData("IPv6 without port", "[::1]", "[::1]", "-")]
    public void Host_splits_like_Go_SplitHostPort(string row, string value, string host, string port)
    {
        _ = row;
        Assert.Equal((host, port), AccessLogFormatter.SplitHost(value));
    }

    [Theory]
    [InlineData("user-agent", "User-Agent")]
    [InlineData("X-FORWARDED-FOR", "X-Forwarded-For")]
    [InlineData("accept", "Accept")]
    public void Header_keys_are_canonical_as_in_Go(string name, string expected) =>
        Assert.Equal(expected, AccessLogFormatter.CanonicalHeader(name));
}
