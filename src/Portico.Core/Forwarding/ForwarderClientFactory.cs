using System.Net;
using Portico.Configuration.Dynamic;

namespace Portico.Forwarding;

/// <summary>
/// Builds the pooled client of a servers transport. Creation is a pure function of the configuration, so the
/// caller may keep a client across reloads for as long as the transport's configuration compares equal.
/// </summary>
internal static class ForwarderClientFactory
{
    /// <summary>Traefik uses Go's default of 2 idle connections per host when <c>maxIdleConnsPerHost</c> is 0.</summary>
    private const int DefaultMaxIdlePerHost = 2;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming every problem when the configuration is invalid.</summary>
    public static BackendClient Create(ServersTransportItemConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TryCreate(config, out var error) ?? throw new InvalidOperationException(error);
    }

    /// <summary>Returns null and the problems (TLS files, versions, cipher suites) when the configuration is invalid.</summary>
    public static BackendClient? TryCreate(ServersTransportItemConfig config, out string? error)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();
        var connector = new BackendTlsConnector(config, errors);
        if (errors.Count > 0)
        {
            error = string.Join("; ", errors);
            return null;
        }

        // https servers get their own handler: its connections are TLS that the connector negotiates.
        var tls = CreateHandler(config);
        tls.ConnectCallback = connector.ConnectAsync;
        error = null;
        return new BackendClient(CreateHandler(config), tls, connector);
    }

    /// <summary>A handler with the transport's pool and timeout settings, connecting over plain TCP.</summary>
    public static SocketsHttpHandler CreateHandler(ServersTransportItemConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var timeouts = config.ForwardingTimeouts;
        var handler = new SocketsHttpHandler
        {
            // A proxy passes requests on as they are: no system proxy, redirects, decompression or cookies of its
            // own, and no extra trace headers (the tracing feature propagates context itself).
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = Positive(timeouts.DialTimeout) ?? Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = Positive(timeouts.IdleConnTimeout) ?? Timeout.InfiniteTimeSpan,
        };

        // Go keeps at most maxIdleConnsPerHost idle connections per host; a negative value disables reuse. .NET cannot
        // cap idle connections separately, so only "no reuse" is mapped: every connection lives for one request.
        if (config.MaxIdleConnsPerHost < 0)
        {
            handler.PooledConnectionLifetime = TimeSpan.Zero;
        }

        // HTTP/2 health pings (readIdleTimeout) when the server is silent; pingTimeout bounds the wait for the answer.
        if (Positive(timeouts.ReadIdleTimeout) is { } readIdle)
        {
            handler.KeepAlivePingDelay = readIdle;
            handler.KeepAlivePingTimeout = Positive(timeouts.PingTimeout) ?? TimeSpan.FromSeconds(15);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }

        handler.ConnectCallback = BackendConnections.ConnectAsync;
        return handler;
    }

    private static TimeSpan? Positive(TimeSpan value) => value > TimeSpan.Zero ? value : null;
}
