using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Portico.Configuration.Static;
using Portico.Forwarding;
using Portico.Observability.AccessLog;
using Portico.Routing;
using Portico.Runtime;

namespace Portico.EntryPoints;

/// <summary>
/// The request side of an entry point: reads the live snapshot once, applies the entry point's policies
/// (forwarded headers, path sanitising, encoded characters, keep-alive limits), matches a router and runs its pipeline.
/// </summary>
internal sealed partial class EntryPointDispatcher : IHttpApplication<HttpContext>
{
    private static readonly byte[] NotFoundBody = "404 page not found\n"u8.ToArray();

    private readonly string _name;
    private readonly RuntimeHolder _holder;
    private readonly ForwardedHeaders _forwardedHeaders;
    private readonly EntryPointHttpConfig _http;
    private readonly int _keepAliveMaxRequests;
    private readonly TimeSpan _keepAliveMaxTime;
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _writeTimeout;
    private readonly RequestScreening _screening;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AccessLogger? _accessLog;

    /// <param name="accessLog">The access log, or null when it is off (globally or by <c>observability.accessLogs</c>): then requests pay nothing for it.</param>
    public EntryPointDispatcher(string name, EntryPointConfig config, RuntimeHolder holder, TimeProvider time, ILoggerFactory loggerFactory, AccessLogger? accessLog = null)
    {
        _accessLog = accessLog;
        _name = name;
        _holder = holder;
        _http = config.Http;
        _forwardedHeaders = new ForwardedHeaders(ForwardedHeadersOptions.Create(config.ForwardedHeaders, $"entryPoints.{name}.forwardedHeaders", new List<Configuration.ConfigError>()));
        _keepAliveMaxRequests = config.Transport.KeepAliveMaxRequests;
        _keepAliveMaxTime = config.Transport.KeepAliveMaxTime;
        _readTimeout = config.Transport.RespondingTimeouts.ReadTimeout;
        _writeTimeout = config.Transport.RespondingTimeouts.WriteTimeout;
        _screening = new RequestScreening(config.Http);
        _time = time;
        _logger = loggerFactory.CreateLogger("Portico.EntryPoints");
    }

    public HttpContext CreateContext(IFeatureCollection contextFeatures) => PooledHttpContext.Create(contextFeatures);

    public void DisposeContext(HttpContext context, Exception? exception)
    {
        if (context is DefaultHttpContext defaultContext)
        {
            defaultContext.Uninitialize();
        }
    }

    public Task ProcessRequestAsync(HttpContext context) =>
        _accessLog is null ? ProcessAsync(context, null) : ProcessLoggedAsync(context, _accessLog);

    /// <summary>The request with the access log around it: the request feature exists from the start, so 404s are logged too.</summary>
    private async Task ProcessLoggedAsync(HttpContext context, AccessLogger accessLog)
    {
        var scope = accessLog.Begin(context);
        var feature = new PorticoRequestFeature { EntryPoint = _name, RecordOrigin = true };
        context.Features.Set(feature);
        try
        {
            await ProcessAsync(context, feature).ConfigureAwait(false);
        }
        finally
        {
            accessLog.Complete(context, feature, scope);
        }
    }

    private Task ProcessAsync(HttpContext context, PorticoRequestFeature? feature)
    {
        // 1. One snapshot for the whole request, however many reloads happen meanwhile.
        var snapshot = _holder.Current;
        if (!snapshot.EntryPoints.TryGetValue(_name, out var routes))
        {
            return NotFound(context);
        }

        // TLS routers answer only requests that came over TLS, the others only cleartext ones (see TlsOrPlain). The
        // handshake feature is set by the TLS middleware alone; h2c's stand-in TLS connection feature does not count.
        var table = context.Features.Get<ITlsHandshakeFeature>() is null ? routes.Plain : routes.Tls;

        // 2. Entry point policies that come before routing.
        var rejection = _screening.Screen(context);
        if (rejection != 0)
        {
            context.Response.StatusCode = rejection;
            context.Response.Headers.Connection = "close";
            return Task.CompletedTask;
        }

        if (_keepAliveMaxRequests > 0 || _keepAliveMaxTime > TimeSpan.Zero)
        {
            LimitKeepAlive(context);
        }

        if (_readTimeout > TimeSpan.Zero)
        {
            RequestBodyDeadline.Apply(context, _readTimeout, _time);
        }

        if (_writeTimeout > TimeSpan.Zero)
        {
            ResponseDeadline.Apply(context, _writeTimeout, _time);
        }

        _forwardedHeaders.Apply(context);
        var escapedPath = RoutingRequest.EscapedPath(context);
        if (PathSanitizer.CheckEncodedCharacters(escapedPath, _http.EncodedCharacters) != EncodedCharacterViolation.None)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        var routingPath = PathSanitizer.NormalizeEscapes(escapedPath);
        if (_http.SanitizePath)
        {
            routingPath = PathSanitizer.Clean(routingPath);
            SanitizeForwardedPath(context.Request);
        }
        else
        {
            UnsanitizedPath.Restore(context.Request, escapedPath);
        }

        // 3. Route.
        var route = table.Match(RoutingRequest.From(context, routingPath));
        if (route is null)
        {
            return NotFound(context);
        }

        var handler = route.Payload;

        if (feature is null)
        {
            context.Features.Set(new PorticoRequestFeature { EntryPoint = _name, RouterName = handler.RouterName, ServiceName = handler.ServiceName });
        }
        else
        {
            feature.RouterName = handler.RouterName;
            feature.ServiceName = handler.ServiceName;
            feature.SkipAccessLog = !handler.AccessLogs || (handler.IsInternal && !_accessLog!.Options.AddInternals);
        }

        return RunAsync(handler, context);
    }

    private async Task RunAsync(RouteHandler handler, HttpContext context)
    {
        try
        {
            await handler.Pipeline(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Services and middlewares report failures as statuses; an exception here is a bug. Answer and log it.
            LogUnhandled(_logger, handler.RouterName, ex);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
            else
            {
                context.Abort();
            }
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
    }

    /// <summary>
    /// With <c>sanitizePath</c> the backend receives the path that was routed, as in Traefik. Kestrel has already removed
    /// dot segments from <see cref="HttpRequest.Path"/>; what is left to do is collapsing repeated slashes.
    /// </summary>
    private static void SanitizeForwardedPath(HttpRequest request)
    {
        var path = request.Path.Value;
        if (path is null || !path.Contains("//", StringComparison.Ordinal))
        {
            return;
        }

        var builder = new System.Text.StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c != '/' || builder.Length == 0 || builder[^1] != '/')
            {
                builder.Append(c);
            }
        }

        request.Path = new PathString(builder.ToString());
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = NotFoundBody.Length;
        return context.Response.Body.WriteAsync(NotFoundBody).AsTask();
    }

    /// <summary>Traefik's <c>keepAliveMaxRequests</c>/<c>keepAliveMaxTime</c>: ask the client to close once a connection has done enough.</summary>
    private void LimitKeepAlive(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null || context.Request.Protocol != "HTTP/1.1")
        {
            return;
        }

        if (items.TryGetValue(typeof(KeepAliveState), out var value) is false || value is not KeepAliveState state)
        {
            state = new KeepAliveState(_time.GetTimestamp());
            items[typeof(KeepAliveState)] = state;
        }

        state.Requests++;
        if ((_keepAliveMaxRequests > 0 && state.Requests >= _keepAliveMaxRequests) ||
            (_keepAliveMaxTime > TimeSpan.Zero && _time.GetElapsedTime(state.Started) >= _keepAliveMaxTime))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    private sealed class KeepAliveState(long started)
    {
        public long Started { get; } = started;

        public int Requests { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in router {Router}")]
    private static partial void LogUnhandled(ILogger logger, string router, Exception exception);
}
