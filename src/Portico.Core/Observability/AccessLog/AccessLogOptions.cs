using System.Collections.Frozen;
using System.Globalization;

namespace Portico.Observability.AccessLog;

/// <summary>
/// The access log configuration compiled once: the format, one mode per field, header modes, and the filters as
/// status ranges, so the per-request code only indexes arrays and compares numbers.
/// </summary>
internal sealed class AccessLogOptions
{
    private AccessLogOptions(AccessLogConfig config)
    {
        Config = config;
    }

    public AccessLogConfig Config { get; }

    public AccessLogFormat Format { get; private init; }

    public string? FilePath => Config.FilePath;

    public int BufferingSize => Math.Max(0, Config.BufferingSize);

    public bool AddInternals => Config.AddInternals;

    /// <summary>The mode of each core field, indexed by <see cref="AccessLogField"/>.</summary>
    public FieldMode[] FieldModes { get; private init; } = [];

    public FieldMode HeaderDefaultMode { get; private init; } = FieldMode.Drop;

    /// <summary>Headers named in <c>fields.headers.names</c>, with their mode (case-insensitive).</summary>
    public FrozenDictionary<string, FieldMode> HeaderModes { get; private init; } = FrozenDictionary<string, FieldMode>.Empty;

    /// <summary>Whether any header can appear at all; when not, headers are never looked at.</summary>
    public bool AnyHeader => HeaderDefaultMode != FieldMode.Drop || HeaderModes.Count > 0;

    /// <summary>Inclusive status ranges of <c>filters.statusCodes</c>.</summary>
    public IReadOnlyList<(int From, int To)> StatusRanges { get; private init; } = [];

    public bool FilterRetryAttempts { get; private init; }

    public TimeSpan FilterMinDuration { get; private init; }

    /// <summary>No filter at all (or an empty <c>filters</c> section): every request is logged, as in Traefik.</summary>
    public bool KeepAll => StatusRanges.Count == 0 && !FilterRetryAttempts && FilterMinDuration <= TimeSpan.Zero;

    public FieldMode HeaderMode(string name) =>
        HeaderModes.Count > 0 && HeaderModes.TryGetValue(name, out var mode) ? mode : HeaderDefaultMode;

    /// <summary>Traefik's filter semantics: a request is kept when any configured filter matches it.</summary>
    public bool Keep(int status, int retryAttempts, TimeSpan duration)
    {
        if (KeepAll)
        {
            return true;
        }

        foreach (var (from, to) in StatusRanges)
        {
            if (status >= from && status <= to)
            {
                return true;
            }
        }

        return (FilterRetryAttempts && retryAttempts > 0) || (FilterMinDuration > TimeSpan.Zero && duration > FilterMinDuration);
    }

    /// <summary>Compiles <paramref name="config"/>; every problem is reported as (key path below <c>accessLog</c>, message).</summary>
    public static AccessLogOptions Create(AccessLogConfig config, List<(string[] Keys, string Message)> errors)
    {
        var format = config.Format.Trim().ToLowerInvariant() switch
        {
            "" or "common" => AccessLogFormat.Common,
            "genericclf" => AccessLogFormat.GenericClf,
            "json" => AccessLogFormat.Json,
            _ => (AccessLogFormat?)null,
        };
        if (format is null)
        {
            errors.Add((["format"], $"invalid access log format \"{config.Format}\": use common, genericCLF or json"));
        }

        if (config.BufferingSize < 0)
        {
            errors.Add((["bufferingSize"], "bufferingSize must not be negative"));
        }

        var fields = config.Fields ?? new AccessLogFieldsConfig();
        var modes = new FieldMode[AccessLogFields.Count];
        if (!AccessLogFields.TryParseMode(fields.DefaultMode, out var defaultMode))
        {
            errors.Add((["fields", "defaultMode"], $"invalid mode \"{fields.DefaultMode}\": use keep, drop or redact"));
        }

        Array.Fill(modes, defaultMode);
        foreach (var (name, value) in fields.Names ?? new Dictionary<string, string>())
        {
            if (!AccessLogFields.TryParseField(name, out var field))
            {
                errors.Add((["fields", "names", name], $"unknown access log field \"{name}\""));
            }
            else if (!AccessLogFields.TryParseMode(value, out var mode))
            {
                errors.Add((["fields", "names", name], $"invalid mode \"{value}\": use keep, drop or redact"));
            }
            else
            {
                modes[(int)field] = mode;
            }
        }

        var headers = fields.Headers ?? new AccessLogHeadersConfig();
        if (!AccessLogFields.TryParseMode(headers.DefaultMode, out var headerDefault))
        {
            errors.Add((["fields", "headers", "defaultMode"], $"invalid mode \"{headers.DefaultMode}\": use keep, drop or redact"));
            headerDefault = FieldMode.Drop;
        }

        var headerModes = new Dictionary<string, FieldMode>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers.Names ?? new Dictionary<string, string>())
        {
            if (!AccessLogFields.TryParseMode(value, out var mode))
            {
                errors.Add((["fields", "headers", "names", name], $"invalid mode \"{value}\": use keep, drop or redact"));
                continue;
            }

            headerModes[name] = mode;
        }

        var filters = config.Filters;
        var ranges = new List<(int, int)>();
        foreach (var item in filters?.StatusCodes ?? [])
        {
            foreach (var part in item.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (TryParseRange(part, out var range))
                {
                    ranges.Add(range);
                }
                else
                {
                    errors.Add((["filters", "statusCodes"], $"invalid status code range \"{part}\": use a code such as 200 or a range such as 400-499"));
                }
            }
        }

        if (filters is not null && filters.MinDuration < TimeSpan.Zero)
        {
            errors.Add((["filters", "minDuration"], "minDuration must not be negative"));
        }

        return new AccessLogOptions(config)
        {
            Format = format ?? AccessLogFormat.Common,
            FieldModes = modes,
            HeaderDefaultMode = headerDefault,
            HeaderModes = headerModes.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            StatusRanges = ranges,
            FilterRetryAttempts = filters?.RetryAttempts ?? false,
            FilterMinDuration = filters?.MinDuration ?? TimeSpan.Zero,
        };
    }

    /// <summary>Traefik's HTTP code ranges: <c>"404"</c> or <c>"400-499"</c> (inclusive, low bound first).</summary>
    internal static bool TryParseRange(string text, out (int From, int To) range)
    {
        range = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var low = dash < 0 ? text : text[..dash];
        var high = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(low.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var from) ||
            !int.TryParse(high.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var to) ||
            from > to || from < 100 || to > 999)
        {
            return false;
        }

        range = (from, to);
        return true;
    }
}
