using System.Text.Json;
using System.Text.RegularExpressions;
using Portico.Observability.AccessLog;

namespace Portico.Tests.Observability.AccessLog;

public sealed class AccessLogFieldModeTests
{
    /// <summary>Row: field/header settings, then expected keys ("=value" checks the value, "!" means absent).</summary>
    public static TheoryData<string, string, IReadOnlyDictionary<string, string>?, string, IReadOnlyDictionary<string, string>?, string[]> Rows => new()
    {
        { "defaults: every field, no header", "keep", null, "drop", null, ["ClientHost=192.0.2.10", "RouterName=app@file", "!request_User-Agent", "!downstream_Content-Type"] },
        { "a field dropped", "keep", new Dictionary<string, string> { ["ClientHost"] = "drop" }, "drop", null, ["!ClientHost", "ClientAddr=192.0.2.10:51000"] },
        { "a field redacted", "keep", new Dictionary<string, string> { ["RequestPath"] = "redact" }, "drop", null, ["RequestPath=REDACTED"] },
        { "drop by default, keep one", "drop", new Dictionary<string, string> { ["RequestMethod"] = "keep" }, "drop", null, ["RequestMethod=GET", "!ClientHost", "!entryPointName", "level=info"] },
        { "field names ignore case", "keep", new Dictionary<string, string> { ["clienthost"] = "drop" }, "drop", null, ["!ClientHost"] },
        { "one header kept", "keep", null, "drop", new Dictionary<string, string> { ["user-agent"] = "keep" }, ["request_User-Agent=curl/8.0", "!request_Accept"] },
        { "headers kept, one redacted, one dropped", "keep", null, "keep", new Dictionary<string, string> { ["Authorization"] = "redact", ["Accept"] = "drop" }, ["request_Authorization=REDACTED", "!request_Accept", "request_Referer=http://ref.test/", "downstream_Content-Type=text/plain"] },
        { "headers redacted by default", "keep", null, "redact", null, ["request_User-Agent=REDACTED", "downstream_Content-Type=REDACTED"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Modes_keep_drop_or_redact(string row, string defaultMode, IReadOnlyDictionary<string, string>? names, string headerMode, IReadOnlyDictionary<string, string>? headerNames, string[] expected)
    {
        _ = row;
        var config = new AccessLogConfig
        {
            Format = "json",
            Fields = new AccessLogFieldsConfig { DefaultMode = defaultMode, Names = names, Headers = new AccessLogHeadersConfig { DefaultMode = headerMode, Names = headerNames } },
        };

        var lines = await AccessLogHarness.LogAsync(config, (_, _) => { });

        using var json = JsonDocument.Parse(Assert.Single(lines));
        foreach (var item in expected)
        {
            if (item.StartsWith('!'))
            {
                Assert.False(json.RootElement.TryGetProperty(item[1..], out _), $"{item[1..]} should be absent: {lines[0]}");
                continue;
            }

            var (key, value) = (item[..item.IndexOf('=', StringComparison.Ordinal)], item[(item.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            Assert.True(json.RootElement.TryGetProperty(key, out var property), $"{key} missing: {lines[0]}");
            Assert.Equal(value, property.ValueKind == JsonValueKind.String ? property.GetString() : property.GetRawText());
        }
    }

    [Theory]
    [InlineData("User-Agent redacted shows in CLF", "User-Agent", "redact", "\"REDACTED\"")]
    [InlineData("User-Agent kept shows in CLF", "User-Agent", "keep", "\"curl/8.0\"")]
    public async Task Clf_uses_the_header_modes(string row, string header, string mode, string expected)
    {
        _ = row;
        var config = new AccessLogConfig { Fields = new AccessLogFieldsConfig { Headers = new AccessLogHeadersConfig { Names = new Dictionary<string, string> { [header] = mode } } } };

        var line = Assert.Single(await AccessLogHarness.LogAsync(config, (_, _) => { }));

        Assert.Contains($"\"-\" {expected} 1 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clf_falls_back_to_StartLocal_when_StartUTC_is_dropped_and_shows_dashes_for_dropped_fields()
    {
        var config = new AccessLogConfig { Fields = new AccessLogFieldsConfig { Names = new Dictionary<string, string> { ["StartUTC"] = "drop", ["ClientHost"] = "drop", ["RouterName"] = "drop" } } };

        var line = Assert.Single(await AccessLogHarness.LogAsync(config, (_, _) => { }));

        Assert.StartsWith("- - - [", line, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]"), line);
        Assert.Contains(" 1 \"-\" \"http://10.0.0.7:8080\" 15ms", line, StringComparison.Ordinal);
    }
}
