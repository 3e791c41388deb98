using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Portico.Services.Composite;

/// <summary>
/// Traefik's <c>failover</c> service: the main service while it is up, the fallback while the main is down, 503 when
/// both are. With <c>errors.status</c> (Traefik 3.7), a main answer whose status is in the ranges is discarded
/// before it reaches the client and the request is replayed on the fallback; the body is buffered up to
/// <c>errors.maxRequestBodyBytes</c> for that (413 beyond).
/// </summary>
internal sealed class FailoverService : IHealthReportingService
{
    private readonly IHttpService _main;
    private readonly IHttpService _fallback;
    private readonly StatusRanges? _errors;
    private readonly long _maxRequestBodyBytes;
    private readonly ILogger _logger;
    private readonly CompositeHealth _health;

    public FailoverService(string name, IHttpService main, IHttpService fallback, StatusRanges? errors, long maxRequestBodyBytes, ILogger logger)
    {
        Name = name;
        _main = main;
        _fallback = fallback;
        _errors = errors;
        _maxRequestBodyBytes = maxRequestBodyBytes;
        _logger = logger;
        _health = new CompositeHealth([main, fallback], () => IsHealthy, healthy => HealthChanged?.Invoke(this, healthy));
    }

    public string Name { get; }

    public bool IsHealthy => _main.IsHealthy || _fallback.IsHealthy;

    public event Action<IHttpService, bool>? HealthChanged;

    public Task HandleAsync(HttpContext context)
    {
        if (_main.IsHealthy)
        {
            return _errors is null ? _main.HandleAsync(context) : HandleWithErrorsAsync(context, _errors);
        }

        if (_fallback.IsHealthy)
        {
            return _fallback.HandleAsync(context);
        }

        ServiceLog.NoAvailableServer(_logger, Name);
        return ServiceResponses.WriteNoAvailableServerAsync(context);
    }

    private async Task HandleWithErrorsAsync(HttpContext context, StatusRanges errors)
    {
        // 1. Buffer the body so it can be replayed on the fallback.
        var request = context.Request;
        RequestBodyBuffer? body = null;
        if (RequestBodyBuffer.HasBody(request))
        {
            body = await RequestBodyBuffer.ReadAsync(request, _maxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (!body.IsComplete)
            {
                await ServiceResponses.WriteRequestTooLargeAsync(context).ConfigureAwait(false);
                return;
            }

            request.Body = body.OpenRead();
        }

        // 2. Run the main service behind a body feature that holds the response until its status is known.
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var gate = new FailoverResponseGate(context, original, errors, _fallback);
        context.Features.Set<IHttpResponseBodyFeature>(gate);
        try
        {
            await _main.HandleAsync(context).ConfigureAwait(false);
            await gate.FinishAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(original);
        }

        if (!gate.Diverted)
        {
            return;
        }

        // 3. The main's answer was swallowed: reset the response and replay the request on the fallback.
        ServiceLog.FailoverOnStatus(_logger, Name, gate.DivertedStatus);
        ResponseGate.ResetResponse(context);
        if (body is not null)
        {
            request.Body = body.OpenRead();
        }

        await _fallback.HandleAsync(context).ConfigureAwait(false);
    }
}
