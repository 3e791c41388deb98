using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portico.Observability.AccessLog;

/// <summary>The <c>json</c> format: logrus's JSON line with Traefik's keys, in the sorted order Go writes a map in.</summary>
internal sealed partial class AccessLogFormatter
{
    private static readonly AccessLogField[] SortedFields = Enum.GetValues<AccessLogField>()
        .Where(f => f != AccessLogField.EntryPointName)
        .OrderBy(f => AccessLogFields.Names[(int)f], StringComparer.Ordinal)
        .ToArray();

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private Utf8JsonWriter? _json;

    private void WriteJson(AccessLogEntry e, IBufferWriter<byte> output)
    {
        var json = _json ??= new Utf8JsonWriter(output, JsonOptions);
        json.Reset(output);
        json.WriteStartObject();
        foreach (var field in SortedFields)
        {
            WriteField(json, e, field);
        }

        WriteHeaders(json, "downstream_", e.DownstreamHeaders);
        WriteField(json, e, AccessLogField.EntryPointName);
        json.WriteString("level"u8, "info"u8);
        json.WriteString("msg"u8, ""u8);
        WriteHeaders(json, "request_", e.RequestHeaders);
        var end = TimeZoneInfo.ConvertTime(e.StartUtc + e.Duration, _localZone);
        json.WriteString("time"u8, Rfc3339(end, nanos: false));
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private void WriteField(Utf8JsonWriter json, AccessLogEntry e, AccessLogField field)
    {
        var mode = _modes[(int)field];
        if (mode == FieldMode.Drop || !IsPresent(e, field))
        {
            return;
        }

        var name = AccessLogFields.Names[(int)field];
        if (mode == FieldMode.Redact)
        {
            json.WriteString(name, AccessLogFields.Redacted);
            return;
        }

        switch (field)
        {
            case AccessLogField.StartUTC:
                json.WriteString(name, Rfc3339(e.StartUtc, nanos: true));
                break;
            case AccessLogField.StartLocal:
                json.WriteString(name, Rfc3339(TimeZoneInfo.ConvertTime(e.StartUtc, _localZone), nanos: true));
                break;
            case AccessLogField.Duration:
                json.WriteNumber(name, Nanoseconds(e.Duration));
                break;
            case AccessLogField.OriginDuration:
                json.WriteNumber(name, Nanoseconds(e.OriginDuration));
                break;
            case AccessLogField.Overhead:
                json.WriteNumber(name, Nanoseconds(e.OriginStatus != 0 ? e.Duration - e.OriginDuration : e.Duration));
                break;
            case AccessLogField.OriginStatus:
                json.WriteNumber(name, e.OriginStatus);
                break;
            case AccessLogField.OriginContentSize:
                json.WriteNumber(name, e.OriginContentSize);
                break;
            case AccessLogField.DownstreamStatus:
                json.WriteNumber(name, e.DownstreamStatus);
                break;
            case AccessLogField.DownstreamContentSize:
                json.WriteNumber(name, e.DownstreamContentSize);
                break;
            case AccessLogField.RequestContentSize:
                json.WriteNumber(name, e.RequestContentSize);
                break;
            case AccessLogField.RequestCount:
                json.WriteNumber(name, e.RequestCount);
                break;
            case AccessLogField.RetryAttempts:
                json.WriteNumber(name, e.RetryAttempts);
                break;
            case AccessLogField.GzipRatio:
                json.WriteNumber(name, (double)e.OriginContentSize / e.DownstreamContentSize);
                break;
            default:
                json.WriteString(name, RawText(e, field));
                break;
        }
    }

    /// <summary>Which fields exist for this request, as in Traefik: origin fields only when a service answered, TLS ones only over TLS.</summary>
    private static bool IsPresent(AccessLogEntry e, AccessLogField field) => field switch
    {
        AccessLogField.RouterName => e.RouterName is not null,
        AccessLogField.ServiceName => e.ServiceName is not null,
        AccessLogField.ServiceURL or AccessLogField.ServiceAddr => e.ServiceUrl is not null,
        AccessLogField.OriginStatus or AccessLogField.OriginDuration or AccessLogField.OriginContentSize => e.OriginStatus != 0,
        AccessLogField.GzipRatio => e.OriginStatus != 0 && e.DownstreamContentSize != 0 && e.DownstreamContentSize != e.OriginContentSize,
        AccessLogField.RequestAddr or AccessLogField.RequestHost or AccessLogField.RequestPort => e.Host is not null,
        AccessLogField.ClientAddr => e.ClientIp is not null,
        AccessLogField.TLSVersion or AccessLogField.TLSCipher => e.IsTls,
        AccessLogField.TLSClientSubject => e.TlsClientSubject is not null,
        _ => true,
    };

    private void WriteHeaders(Utf8JsonWriter json, string prefix, List<KeyValuePair<string, string>>? headers)
    {
        if (headers is null)
        {
            return;
        }

        foreach (var (name, value) in headers)
        {
            json.WriteString(prefix + CanonicalHeader(name), value);
        }
    }

    /// <summary>Go's canonical header form (<c>user-agent</c> becomes <c>User-Agent</c>), which Traefik's keys use.</summary>
    internal static string CanonicalHeader(string name)
    {
        return string.Create(name.Length, name, static (span, source) =>
        {
            var upper = true;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                upper = c == '-';
            }
        });
    }

    private static long Nanoseconds(TimeSpan value) => value.Ticks * 100;

    /// <summary>Go's RFC 3339 layouts: <c>Z</c> for a zero offset, and with <paramref name="nanos"/> a fraction without trailing zeros.</summary>
    internal static string Rfc3339(DateTimeOffset time, bool nanos)
    {
        var text = time.ToString(nanos ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF" : "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return time.Offset == TimeSpan.Zero ? text + "Z" : text + time.ToString("zzz", CultureInfo.InvariantCulture);
    }
}
