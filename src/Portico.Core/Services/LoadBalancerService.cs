using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portico.Forwarding;
using Portico.Runtime;
using Portico.Services.LoadBalancing;

namespace Portico.Services;

/// <summary>
/// Traefik's <c>loadBalancer</c> service: picks a server (sticky cookie first, then the strategy), forwards the
/// request and turns a forwarding error into the response status when nothing was sent to the client yet.
/// </summary>
internal sealed class LoadBalancerService : IHealthReportingService
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LoadBalancerService(LoadBalancerState state, IHttpForwarder forwarder, HttpMessageInvoker client, TimeProvider time, ILogger logger)
    {
        State = state;
        _forwarder = forwarder;
        _client = client;
        _time = time;
        _logger = logger;
        state.Attach(healthy => HealthChanged?.Invoke(this, healthy));
    }

    public string Name => State.ServiceName;

    public bool IsHealthy => State.IsHealthy;

    public LoadBalancerState State { get; }

    /// <summary>The servers with their live state, for the API and metrics.</summary>
    public IReadOnlyList<ServerState> Servers => State.Servers;

    public event Action<IHttpService, bool>? HealthChanged;

    public Task HandleAsync(HttpContext context)
    {
        // 1. A valid sticky cookie naming a healthy server wins; otherwise the strategy picks and the cookie is (re)written.
        var servers = State.Servers;
        var sticky = State.Sticky;
        ServerState? server = null;
        var writeCookie = false;
        if (sticky is not null)
        {
            var index = sticky.Find(context, out var legacy);
            if (index >= 0 && servers[index].IsHealthy)
            {
                server = servers[index];
                writeCookie = legacy;
            }
            else
            {
                writeCookie = true;
            }
        }

        server ??= State.Strategy.Pick(context, servers);
        if (server is null)
        {
            ServiceLog.NoAvailableServer(_logger, Name);
            return ServiceResponses.WriteNoAvailableServerAsync(context);
        }

        if (writeCookie)
        {
            sticky!.Write(context, server.Index);
        }

        // 2. Tell logging and middlewares which service and server handled the request.
        var feature = PorticoRequestFeature.Get(context);
        if (feature is not null)
        {
            feature.ServiceName = Name;
            feature.ServerUrl = server.Url;
        }

        return ForwardAsync(context, server, feature is { RecordOrigin: true } ? feature : null);
    }

    /// <param name="origin">The request feature when the access log wants the origin fields, otherwise null.</param>
    private async Task ForwardAsync(HttpContext context, ServerState server, PorticoRequestFeature? origin)
    {
        // 3. Forward while counting the request in flight (p2c, leasttime) and timing it (leasttime).
        var started = _time.GetTimestamp();
        server.IncrementInFlight();
        ProxyError error;
        try
        {
            error = await _forwarder.SendAsync(context, server.Url, _client, server.ForwarderOptions).ConfigureAwait(false);
        }
        finally
        {
            server.DecrementInFlight();
        }

        var elapsed = _time.GetElapsedTime(started);
        server.RecordResponseTime(elapsed.TotalMilliseconds);

        // 4. Map an error to a status while the response can still carry one, then feed the passive health check.
        if (error != ProxyError.None)
        {
            if (error is ProxyError.RequestCanceled or ProxyError.ResponseBodyClient)
            {
                ServiceLog.ClientCanceled(_logger, Name, server.UrlText);
            }
            else if (_logger.IsEnabled(LogLevel.Warning))
            {
                var reason = ProxyErrorInfo.Get(context)?.Exception?.GetBaseException().Message ?? error.ToString();
                ServiceLog.ForwardFailed(_logger, Name, server.UrlText, error, error.StatusCode(), reason);
            }

            if (!context.Response.HasStarted)
            {
                await ServiceResponses.WriteErrorAsync(context, error.StatusCode()).ConfigureAwait(false);
            }
        }

        State.PassiveTracker?.Record(server.Index, error, context.Response.StatusCode);
        if (origin is not null)
        {
            // As in Traefik, the origin status is what the service answered, including a 502 it wrote for a failure.
            origin.OriginStatus = context.Response.StatusCode;
            origin.OriginDuration = elapsed;
        }
    }
}
