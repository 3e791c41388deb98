using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Middlewares;

namespace Portico.Services.Composite;

/// <summary>
/// Stands in for the response body feature while a handler runs whose error answers may be replaced (the failover's
/// main service, the <c>errors</c> middleware's next handler). At the first byte, explicit start or completion it looks
/// at the status: a status in the ranges (with the fallback up, when there is one to check) diverts the response
/// (everything is swallowed, nothing reaches the client); any other status passes straight through.
/// </summary>
internal sealed class FailoverResponseGate(HttpContext context, IHttpResponseBodyFeature inner, StatusRanges errors, IHttpService? fallback)
    : ResponseBodyInterceptor(inner)
{
    private bool _decided;

    public bool Diverted { get; private set; }

    public int DivertedStatus { get; private set; }

    /// <summary>Called after the handler returned: decides if nothing did yet and flushes a pending writer.</summary>
    public async Task FinishAsync()
    {
        await DrainWriterAsync().ConfigureAwait(false);
        Decide();
    }

    public override Task StartAsync(CancellationToken cancellationToken = default) => Decide() ? Task.CompletedTask : Inner.StartAsync(cancellationToken);

    public override Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        Decide() ? Task.CompletedTask : Inner.SendFileAsync(path, offset, count, cancellationToken);

    public override Task CompleteAsync() => Decide() ? Task.CompletedTask : Inner.CompleteAsync();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Decide() ? ValueTask.CompletedTask : Inner.Stream.WriteAsync(buffer, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => Decide() ? Task.CompletedTask : Inner.Stream.FlushAsync(cancellationToken);

    /// <summary>Returns true when the response is diverted (swallow), false when it passes through.</summary>
    private bool Decide()
    {
        if (!_decided)
        {
            _decided = true;
            var status = context.Response.StatusCode;
            if (errors.Contains(status) && (fallback is null || fallback.IsHealthy))
            {
                Diverted = true;
                DivertedStatus = status;
            }
        }

        return Diverted;
    }
}
