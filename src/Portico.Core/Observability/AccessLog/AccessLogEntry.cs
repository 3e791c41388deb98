using System.Net;
using System.Net.Security;
using System.Security.Authentication;

namespace Portico.Observability.AccessLog;

/// <summary>
/// One request as the access log saw it. Captured on the request path as references to strings that already exist
/// (the connection and the request are reused once the request ends, so nothing may point back at them), and turned
/// into text by the writer task, off the request path.
/// </summary>
internal sealed class AccessLogEntry
{
    /// <summary>Queued to make the writer reopen its file before the entries that follow.</summary>
    public static readonly AccessLogEntry ReopenMarker = new();

    public DateTimeOffset StartUtc { get; set; }

    public TimeSpan Duration { get; set; }

    public string EntryPoint { get; set; } = string.Empty;

    public string? RouterName { get; set; }

    public string? ServiceName { get; set; }

    public Uri? ServiceUrl { get; set; }

    public IPAddress? ClientIp { get; set; }

    public int ClientPort { get; set; }

    /// <summary>The X-Forwarded-For header a trusted peer sent: Traefik logs it as the client host.</summary>
    public string? ForwardedFor { get; set; }

    public string? ClientUsername { get; set; }

    public string? Host { get; set; }

    public string Method { get; set; } = string.Empty;

    public string Path { get; set; } = string.Empty;

    public string Protocol { get; set; } = string.Empty;

    public bool IsTls { get; set; }

    public long RequestContentSize { get; set; }

    public long RequestCount { get; set; }

    public int OriginStatus { get; set; }

    public TimeSpan OriginDuration { get; set; }

    public long OriginContentSize { get; set; }

    public int DownstreamStatus { get; set; }

    public long DownstreamContentSize { get; set; }

    public int RetryAttempts { get; set; }

    public SslProtocols TlsProtocol { get; set; }

    public TlsCipherSuite? TlsCipher { get; set; }

    /// <summary>The verified client certificate's subject as .NET prints it (converted to Go's form when written).</summary>
    public string? TlsClientSubject { get; set; }

    /// <summary>Kept or redacted request headers (name, value); null when none.</summary>
    public List<KeyValuePair<string, string>>? RequestHeaders { get; set; }

    /// <summary>Kept or redacted response headers (name, value); null when none.</summary>
    public List<KeyValuePair<string, string>>? DownstreamHeaders { get; set; }
}
