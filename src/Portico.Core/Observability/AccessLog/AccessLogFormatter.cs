using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Text;

namespace Portico.Observability.AccessLog;

/// <summary>
/// Turns entries into lines: Traefik's common log format (CLF extended with the request count, router, server URL
/// and duration), the plain <c>genericCLF</c>, or one JSON object per line with Traefik's keys. Used by the single
/// writer task only, so its buffers are reused without locking.
/// </summary>
internal sealed partial class AccessLogFormatter
{
    private const string Dash = "-";

    private readonly AccessLogOptions _options;
    private readonly FieldMode[] _modes;
    private readonly TimeZoneInfo _localZone;
    private readonly StringBuilder _text = new(256);
    private readonly Dictionary<TlsCipherSuite, string> _cipherNames = [];

    public AccessLogFormatter(AccessLogOptions options, TimeZoneInfo localZone)
    {
        _options = options;
        _modes = options.FieldModes;
        _localZone = localZone;
    }

    /// <summary>Appends one line, newline included, to <paramref name="output"/>.</summary>
    public void Write(AccessLogEntry entry, IBufferWriter<byte> output)
    {
        if (_options.Format == AccessLogFormat.Json)
        {
            WriteJson(entry, output);
            return;
        }

        _text.Clear();
        WriteClf(entry, _options.Format == AccessLogFormat.Common);
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(_text.Length));
        var written = 0;
        foreach (var chunk in _text.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, span[written..]);
        }

        output.Advance(written);
    }

    /// <summary>
    /// <c>&lt;ClientHost&gt; - &lt;ClientUsername&gt; [&lt;StartUTC&gt;] "&lt;RequestMethod&gt; &lt;RequestPath&gt; &lt;RequestProtocol&gt;"
    /// &lt;DownstreamStatus&gt; &lt;DownstreamContentSize&gt; "&lt;Referer&gt;" "&lt;User-Agent&gt;"</c>, then for <c>common</c>
    /// <c>&lt;RequestCount&gt; "&lt;RouterName&gt;" "&lt;ServiceURL&gt;" &lt;Duration&gt;ms</c>. A dropped or missing value is <c>-</c>.
    /// </summary>
    private void WriteClf(AccessLogEntry e, bool extended)
    {
        var b = _text;
        b.Append(Text(e, AccessLogField.ClientHost) ?? Dash).Append(" - ");
        b.Append(Text(e, AccessLogField.ClientUsername) ?? Dash).Append(" [");
        if (_modes[(int)AccessLogField.StartUTC] == FieldMode.Keep)
        {
            AppendClfTime(b, e.StartUtc);
        }
        else if (_modes[(int)AccessLogField.StartLocal] == FieldMode.Keep)
        {
            AppendClfTime(b, TimeZoneInfo.ConvertTime(e.StartUtc, _localZone));
        }
        else
        {
            b.Append(Dash);
        }

        b.Append("] \"").Append(Text(e, AccessLogField.RequestMethod) ?? Dash).Append(' ')
            .Append(Text(e, AccessLogField.RequestPath) ?? Dash).Append(' ')
            .Append(Text(e, AccessLogField.RequestProtocol) ?? Dash).Append("\" ")
            .Append(Text(e, AccessLogField.DownstreamStatus) ?? Dash).Append(' ')
            .Append(Text(e, AccessLogField.DownstreamContentSize) ?? Dash).Append(' ');
        AppendQuoted(b, Header(e.RequestHeaders, "Referer"));
        b.Append(' ');
        AppendQuoted(b, Header(e.RequestHeaders, "User-Agent"));
        if (extended)
        {
            b.Append(' ').Append(Text(e, AccessLogField.RequestCount) ?? Dash).Append(' ');
            AppendQuoted(b, Text(e, AccessLogField.RouterName));
            b.Append(' ');
            AppendQuoted(b, Text(e, AccessLogField.ServiceURL));
            var millis = _modes[(int)AccessLogField.Duration] == FieldMode.Drop ? 0 : (long)e.Duration.TotalMilliseconds;
            b.Append(' ').Append(millis.ToString(CultureInfo.InvariantCulture)).Append("ms");
        }

        b.Append('\n');
    }

    private static void AppendQuoted(StringBuilder b, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            b.Append("\"-\"");
        }
        else
        {
            b.Append('"').Append(value).Append('"');
        }
    }

    private static void AppendClfTime(StringBuilder b, DateTimeOffset time)
    {
        b.Append(time.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture));
        var offset = time.Offset;
        b.Append(offset < TimeSpan.Zero ? '-' : '+')
            .Append(Math.Abs(offset.Hours).ToString("00", CultureInfo.InvariantCulture))
            .Append(Math.Abs(offset.Minutes).ToString("00", CultureInfo.InvariantCulture));
    }

    private static string? Header(List<KeyValuePair<string, string>>? headers, string name)
    {
        if (headers is null)
        {
            return null;
        }

        foreach (var (key, value) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>A field as text with its mode applied: null when dropped or absent, <c>REDACTED</c> when redacted.</summary>
    internal string? Text(AccessLogEntry e, AccessLogField field)
    {
        var mode = _modes[(int)field];
        if (mode == FieldMode.Drop)
        {
            return null;
        }

        var value = RawText(e, field);
        return value is null ? null : mode == FieldMode.Redact ? AccessLogFields.Redacted : value;
    }

    private string? RawText(AccessLogEntry e, AccessLogField field) => field switch
    {
        AccessLogField.ClientHost => e.ForwardedFor ?? ClientIp(e) ?? Dash,
        AccessLogField.ClientAddr => e.ClientIp is null ? string.Empty : FormatAddress(ClientIp(e)!, e.ClientPort),
        AccessLogField.ClientPort => e.ClientIp is null ? Dash : e.ClientPort.ToString(CultureInfo.InvariantCulture),
        AccessLogField.ClientUsername => string.IsNullOrEmpty(e.ClientUsername) ? Dash : e.ClientUsername,
        AccessLogField.RequestAddr => e.Host,
        AccessLogField.RequestHost => e.Host is null ? null : SplitHost(e.Host).Host,
        AccessLogField.RequestPort => e.Host is null ? null : SplitHost(e.Host).Port,
        AccessLogField.RequestMethod => e.Method,
        AccessLogField.RequestPath => e.Path,
        AccessLogField.RequestProtocol => e.Protocol,
        AccessLogField.RequestScheme => e.IsTls ? "https" : "http",
        AccessLogField.RouterName => e.RouterName,
        AccessLogField.ServiceName => e.ServiceName,
        AccessLogField.ServiceURL => e.ServiceUrl?.OriginalString,
        AccessLogField.ServiceAddr => e.ServiceUrl?.Authority,
        AccessLogField.DownstreamStatus => e.DownstreamStatus.ToString(CultureInfo.InvariantCulture),
        AccessLogField.DownstreamContentSize => e.DownstreamContentSize.ToString(CultureInfo.InvariantCulture),
        AccessLogField.RequestCount => e.RequestCount.ToString(CultureInfo.InvariantCulture),
        AccessLogField.TLSVersion => e.IsTls ? TlsNames.Version(e.TlsProtocol) : null,
        AccessLogField.TLSCipher => e.TlsCipher is { } suite ? CipherName(suite) : null,
        AccessLogField.TLSClientSubject => e.TlsClientSubject is null ? null : TlsNames.Subject(e.TlsClientSubject),
        AccessLogField.EntryPointName => e.EntryPoint,
        _ => null,
    };

    private string CipherName(TlsCipherSuite suite)
    {
        if (!_cipherNames.TryGetValue(suite, out var name))
        {
            name = TlsNames.Cipher(suite);
            _cipherNames[suite] = name;
        }

        return name;
    }

    private static string? ClientIp(AccessLogEntry e)
    {
        var ip = e.ClientIp;
        if (ip is null)
        {
            return null;
        }

        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }

    private static string FormatAddress(string ip, int port) =>
        ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{port}" : $"{ip}:{port}";

    /// <summary>Go's <c>net.SplitHostPort</c> as Traefik uses it: without a port the whole value is the host and the port is <c>-</c>.</summary>
    internal static (string Host, string Port) SplitHost(string value)
    {
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close > 0 && close + 1 < value.Length && value[close + 1] == ':')
            {
                return (value[1..close], value[(close + 2)..]);
            }

            return (value, Dash);
        }

        var colon = value.LastIndexOf(':');
        if (colon < 0 || value.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            return (value, Dash);
        }

        return (value[..colon], value[(colon + 1)..]);
    }
}
