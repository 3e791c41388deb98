using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Portico.Runtime;

namespace Portico.Observability.AccessLog;

/// <summary>
/// Traefik's access log. The entry point calls <see cref="Begin"/> when a request arrives and <see cref="Complete"/>
/// when its handler returns; routers, services and middlewares fill in <see cref="PorticoRequestFeature"/> meanwhile.
/// <see cref="Complete"/> applies the filters and captures the request into an entry; formatting and writing happen on
/// the <see cref="AccessLogWriter"/> task. Entry points where the access log is off never call either method.
/// </summary>
internal sealed class AccessLogger : IAsyncDisposable
{
    /// <summary>SIGUSR1 on Linux, which .NET accepts as a raw signal number.</summary>
    private const int SigUsr1 = 10;

    private readonly TimeProvider _time;
    private PosixSignalRegistration? _signal;
    private long _requestCount;

    public AccessLogger(AccessLogOptions options, TimeProvider time, ILoggerFactory loggerFactory, Stream? stdout = null)
    {
        Options = options;
        _time = time;
        Writer = new AccessLogWriter(options, time.LocalTimeZone, loggerFactory.CreateLogger("Portico.AccessLog"), stdout);
    }

    public AccessLogOptions Options { get; }

    public AccessLogWriter Writer { get; }

    /// <summary>Builds the access log of a static configuration, or null when it has no <c>accessLog</c> section.</summary>
    public static AccessLogger? Create(AccessLogConfig? config, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (config is null)
        {
            return null;
        }

        // The static validator has reported any problem already; what remains usable is used.
        var options = AccessLogOptions.Create(config, []);
        return new AccessLogger(options, time, loggerFactory);
    }

    /// <summary>Reopens the log file on SIGUSR1, as Traefik does for logrotate (Linux and macOS only).</summary>
    public void ListenForReopenSignal()
    {
        if (Options.FilePath is null || !OperatingSystem.IsLinux() || _signal is not null)
        {
            return;
        }

        _signal = PosixSignalRegistration.Create((PosixSignal)SigUsr1, context =>
        {
            context.Cancel = true;
            Writer.RequestReopen();
        });
    }

    /// <summary>Starts timing the request and counting the bytes of its response.</summary>
    public AccessLogScope Begin(HttpContext context) => AccessLogScope.Install(context, _time);

    /// <summary>
    /// Decides whether the finished request is logged and, if so, captures it. Steps: (1) count it (Traefik's
    /// <c>RequestCount</c> counts every request), (2) skip internal services and routers that turned logging off,
    /// (3) apply the filters, (4) capture the values, (5) queue the entry without waiting.
    /// </summary>
    public void Complete(HttpContext context, PorticoRequestFeature feature, AccessLogScope scope)
    {
        // 1. and 2.
        var count = Interlocked.Increment(ref _requestCount);
        if (feature.SkipAccessLog)
        {
            return;
        }

        // 3.
        var duration = _time.GetElapsedTime(scope.Started);
        var response = context.Response;
        if (!Options.Keep(response.StatusCode, feature.RetryAttempts, duration))
        {
            return;
        }

        // 4.
        var request = context.Request;
        var connection = context.Connection;
        var entry = new AccessLogEntry
        {
            StartUtc = scope.StartUtc,
            Duration = duration,
            EntryPoint = feature.EntryPoint,
            RouterName = feature.RouterName,
            ServiceName = feature.ServiceName,
            ServiceUrl = feature.ServerUrl,
            ClientIp = connection.RemoteIpAddress,
            ClientPort = connection.RemotePort,
            ClientUsername = feature.ClientUsername,
            Host = request.Host.HasValue ? request.Host.Value : null,
            Method = request.Method,
            Path = RequestTarget(context),
            Protocol = request.Protocol,
            RequestContentSize = request.ContentLength ?? 0,
            RequestCount = count,
            OriginStatus = feature.OriginStatus,
            OriginDuration = feature.OriginDuration,
            OriginContentSize = feature.OriginContentSize,
            DownstreamStatus = response.StatusCode,
            DownstreamContentSize = scope.BytesWritten,
            RetryAttempts = feature.RetryAttempts,
        };

        var forwardedFor = request.Headers["X-Forwarded-For"];
        if (forwardedFor.Count > 0 && !string.IsNullOrEmpty(forwardedFor[0]))
        {
            entry.ForwardedFor = forwardedFor[0];
        }

        if (context.Features.Get<ITlsHandshakeFeature>() is { } tls)
        {
            entry.IsTls = true;
            entry.TlsProtocol = tls.Protocol;
            entry.TlsCipher = tls.NegotiatedCipherSuite;
            entry.TlsClientSubject = connection.ClientCertificate?.Subject;
        }

        if (Options.AnyHeader)
        {
            entry.RequestHeaders = CaptureHeaders(request.Headers);
            entry.DownstreamHeaders = CaptureHeaders(response.Headers);
        }

        // 5.
        Writer.TryEnqueue(entry);
    }

    public async ValueTask DisposeAsync()
    {
        _signal?.Dispose();
        await Writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The headers the configuration keeps or redacts, with their values joined by commas as Traefik does.</summary>
    private List<KeyValuePair<string, string>>? CaptureHeaders(IHeaderDictionary headers)
    {
        List<KeyValuePair<string, string>>? captured = null;
        if (Options.HeaderDefaultMode == FieldMode.Drop)
        {
            // Only named headers can appear: look them up rather than walking every header.
            foreach (var (name, mode) in Options.HeaderModes)
            {
                if (mode != FieldMode.Drop && headers.TryGetValue(name, out var values) && values.Count > 0)
                {
                    (captured ??= []).Add(new(name, Value(mode, values)));
                }
            }

            return captured;
        }

        foreach (var (name, values) in headers)
        {
            var mode = Options.HeaderMode(name);
            if (mode != FieldMode.Drop)
            {
                (captured ??= []).Add(new(name, Value(mode, values)));
            }
        }

        return captured;
    }

    /// <summary>The request target as the client sent it (Traefik logs the URL before any middleware rewrites it).</summary>
    private static string RequestTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) ? context.Request.PathBase.Value + context.Request.Path.Value + context.Request.QueryString.Value : raw;
    }

    private static string Value(FieldMode mode, StringValues values) =>
        mode == FieldMode.Redact ? AccessLogFields.Redacted : values.Count == 1 ? values[0] ?? string.Empty : string.Join(',', values.ToArray());
}
