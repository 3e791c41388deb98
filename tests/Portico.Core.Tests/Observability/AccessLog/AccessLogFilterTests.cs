using Portico.Observability.AccessLog;

namespace Portico.Tests.Observability.AccessLog;

public sealed class AccessLogFilterTests
{
    public static TheoryData<string, string[]?, bool, int, int, int, int, bool> Rows => new()
    {
        // row, statusCodes, retryAttempts, minDuration ms | status, retries, duration ms | kept
        { "no filters keep everything", null, false, 0, 200, 0, 1, true },
        { "empty filters keep everything", [], false, 0, 500, 0, 1, true },
        { "status in a range", ["400-499"], false, 0, 404, 0, 1, true },
        { "status outside the ranges", ["400-499", "502"], false, 0, 200, 0, 1, false },
        { "single status", ["400-499", "502"], false, 0, 502, 0, 1, true },
        { "comma separated list", ["200,300-302"], false, 0, 301, 0, 1, true },
        { "retried request kept", ["500-599"], true, 0, 200, 1, 1, true },
        { "not retried, not matching", ["500-599"], true, 0, 200, 0, 1, false },
        { "slow enough", null, false, 100, 200, 0, 101, true },
        { "not slower than the minimum", null, false, 100, 200, 0, 100, false },
        { "any filter matching keeps it", ["500"], true, 100, 200, 0, 150, true },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Filters_keep_a_request_when_any_of_them_matches(string row, string[]? statusCodes, bool retryAttempts, int minMs, int status, int retries, int durationMs, bool kept)
    {
        _ = row;
        var config = new AccessLogConfig
        {
            Filters = new AccessLogFiltersConfig { StatusCodes = statusCodes, RetryAttempts = retryAttempts, MinDuration = TimeSpan.FromMilliseconds(minMs) },
        };
        var errors = new List<(string[] Keys, string Message)>();

        var options = AccessLogOptions.Create(config, errors);

        Assert.Empty(errors);
        Assert.Equal(kept, options.Keep(status, retries, TimeSpan.FromMilliseconds(durationMs)));
    }

    [Theory]
    [InlineData("reversed range", "499-400")]
    [InlineData("not a number", "abc")]
    [InlineData("out of range", "1000")]
    public void Bad_status_ranges_are_reported(string row, string range)
    {
        _ = row;
        var errors = new List<(string[] Keys, string Message)>();

        AccessLogOptions.Create(new AccessLogConfig { Filters = new AccessLogFiltersConfig { StatusCodes = [range] } }, errors);

        var error = Assert.Single(errors);
        Assert.Equal(["filters", "statusCodes"], error.Keys);
    }

    [Theory]
    [InlineData("unknown format", "xml", null, null)]
    [InlineData("unknown field", "json", "Nope", "drop")]
    [InlineData("bad mode", "json", "ClientHost", "hide")]
    public void Bad_options_are_reported(string row, string format, string? field, string? mode)
    {
        _ = row;
        var errors = new List<(string[] Keys, string Message)>();
        var names = field is null ? null : new Dictionary<string, string> { [field] = mode! };

        AccessLogOptions.Create(new AccessLogConfig { Format = format, Fields = new AccessLogFieldsConfig { Names = names } }, errors);

        Assert.Single(errors);
    }

    [Fact]
    public async Task A_filtered_out_request_is_not_written_but_still_counted()
    {
        var config = new AccessLogConfig { Filters = new AccessLogFiltersConfig { StatusCodes = ["500-599"] } };

        var lines = await AccessLogHarness.LogAsync(config, (c, _) => c.Response.StatusCode = 200, (c, _) => c.Response.StatusCode = 503);

        var line = Assert.Single(lines);
        Assert.Contains("\" 503 ", line, StringComparison.Ordinal);
        Assert.Contains(" 2 \"app@file\"", line, StringComparison.Ordinal);
    }
}
