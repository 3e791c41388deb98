using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portico.Runtime;

namespace Portico.Services.Composite;

/// <summary>
/// Traefik's <c>mirroring</c> service: the main service answers the client; each mirror receives a copy of
/// <c>percent</c>% of the requests (chosen by counting, as Traefik does), sent after the main response and detached
/// from it, so a slow or failing mirror never delays or changes what the client gets. With <c>mirrorBody</c> the
/// body is buffered for the copies; a body over <c>maxBodySize</c> is not mirrored at all.
/// </summary>
internal sealed class MirroringService : IHealthReportingService
{
    private readonly IHttpService _main;
    private readonly Mirror[] _mirrors;
    private readonly bool _mirrorBody;
    private readonly long _maxBodySize;
    private readonly ILogger _logger;
    private readonly CompositeHealth _health;
    private long _total;

    public MirroringService(string name, IHttpService main, IReadOnlyList<(IHttpService Service, int Percent)> mirrors, bool mirrorBody, long maxBodySize, ILogger logger)
    {
        Name = name;
        _main = main;
        _mirrors = new Mirror[mirrors.Count];
        for (var i = 0; i < mirrors.Count; i++)
        {
            _mirrors[i] = new Mirror(mirrors[i].Service, Math.Clamp(mirrors[i].Percent, 0, 100));
        }

        _mirrorBody = mirrorBody;
        _maxBodySize = maxBodySize;
        _logger = logger;
        _health = new CompositeHealth([main], () => IsHealthy, healthy => HealthChanged?.Invoke(this, healthy));
    }

    public string Name { get; }

    /// <summary>Follows the main service; mirrors do not count.</summary>
    public bool IsHealthy => _main.IsHealthy;

    public event Action<IHttpService, bool>? HealthChanged;

    /// <summary>Raised when a mirrored copy finished (tests await it); the argument is the mirror service.</summary>
    internal event Action<IHttpService>? MirrorCompleted;

    public Task HandleAsync(HttpContext context)
    {
        // 1. Decide which mirrors get this request; with none, the main service runs untouched.
        var total = Interlocked.Increment(ref _total);
        var active = 0UL;
        for (var i = 0; i < _mirrors.Length && i < 64; i++)
        {
            if (_mirrors[i].TryTake(total))
            {
                active |= 1UL << i;
            }
        }

        return active == 0 ? _main.HandleAsync(context) : HandleMirroredAsync(context, active);
    }

    private async Task HandleMirroredAsync(HttpContext context, ulong active)
    {
        // 2. Buffer the body for the copies (the main service reads the same bytes, then any unread rest).
        RequestBodyBuffer? body = null;
        if (_mirrorBody && RequestBodyBuffer.HasBody(context.Request))
        {
            body = await RequestBodyBuffer.ReadAsync(context.Request, _maxBodySize, context.RequestAborted).ConfigureAwait(false);
            context.Request.Body = body.OpenReadThen(context.Request.Body);
            if (!body.IsComplete)
            {
                // Traefik: a body over maxBodySize is not mirrored.
                active = 0;
            }
        }

        // 3. Snapshot the request before the main service runs (middlewares below may change headers).
        var snapshots = active == 0 ? null : new HttpContext[_mirrors.Length];
        for (var i = 0; snapshots is not null && i < _mirrors.Length; i++)
        {
            if ((active & (1UL << i)) != 0)
            {
                snapshots[i] = MirrorRequest.Copy(context, _mirrorBody ? body : null);
            }
        }

        // 4. The main service answers; the copies start afterwards on the thread pool, never awaited.
        await _main.HandleAsync(context).ConfigureAwait(false);
        for (var i = 0; snapshots is not null && i < _mirrors.Length; i++)
        {
            if (snapshots[i] is { } copy)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static job => _ = job.Owner.RunMirrorAsync(job.Mirror, job.Context), new MirrorJob(this, _mirrors[i].Service, copy), preferLocal: false);
            }
        }
    }

    private async Task RunMirrorAsync(IHttpService mirror, HttpContext copy)
    {
        try
        {
            await mirror.HandleAsync(copy).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ServiceLog.MirrorFailed(_logger, ex, Name, mirror.Name);
        }
        finally
        {
            MirrorCompleted?.Invoke(mirror);
        }
    }

    private sealed record MirrorJob(MirroringService Owner, IHttpService Mirror, HttpContext Context);

    private sealed class Mirror(IHttpService service, int percent)
    {
        private long _count;

        public IHttpService Service { get; } = service;

        /// <summary>Traefik's rule: mirror while count × 100 &lt; total × percent, so exactly percent% over time.</summary>
        public bool TryTake(long total)
        {
            while (true)
            {
                var count = Volatile.Read(ref _count);
                if (count * 100 >= total * percent)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _count, count + 1, count) == count)
                {
                    return true;
                }
            }
        }
    }
}

/// <summary>Builds the detached request a mirror receives: same method, target, headers and connection, own body.</summary>
internal static class MirrorRequest
{
    public static HttpContext Copy(HttpContext source, RequestBodyBuffer? body)
    {
        var copy = new DefaultHttpContext { RequestServices = source.RequestServices };
        var from = source.Request;
        var to = copy.Request;
        to.Method = from.Method;
        to.Scheme = from.Scheme;
        to.Host = from.Host;
        to.PathBase = from.PathBase;
        to.Path = from.Path;
        to.QueryString = from.QueryString;
        to.Protocol = from.Protocol;
        foreach (var header in from.Headers)
        {
            to.Headers[header.Key] = header.Value;
        }

        // The copy's body is fully known (buffered or absent), so it is always sent with a Content-Length.
        to.Headers.TransferEncoding = default;
        if (body is not null)
        {
            to.Body = body.OpenRead();
            to.ContentLength = body.Length;
        }
        else
        {
            // mirrorBody: false sends the copy without a body.
            to.Body = Stream.Null;
            to.ContentLength = from.ContentLength is > 0 || from.Headers.TransferEncoding.Count > 0 ? 0 : null;
        }

        copy.Connection.RemoteIpAddress = source.Connection.RemoteIpAddress;
        copy.Connection.RemotePort = source.Connection.RemotePort;
        copy.Connection.LocalIpAddress = source.Connection.LocalIpAddress;
        copy.Connection.LocalPort = source.Connection.LocalPort;
        if (PorticoRequestFeature.Get(source) is { } feature)
        {
            copy.Features.Set(new PorticoRequestFeature { EntryPoint = feature.EntryPoint, RouterName = feature.RouterName });
        }

        return copy;
    }
}
