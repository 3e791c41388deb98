using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Middlewares;

namespace Portico.Services.Composite;

/// <summary>
/// Stands in for the response body feature while an attempt runs (failover's main service, one retry attempt, the
/// <c>errors</c> middleware's next handler). At the first byte, flush, explicit start or completion it asks
/// <see cref="ShouldDivert"/> once, while the status and headers are known but nothing has reached the client: a
/// diverted response is swallowed whole, any other passes straight through.
/// <see cref="HttpResponse.HasStarted"/> stays false while a response is held, so services still write their own error
/// status into the gate.
/// </summary>
internal abstract class ResponseGate(HttpContext context, IHttpResponseBodyFeature inner) : ResponseBodyInterceptor(inner)
{
    private bool _decided;

    public bool Diverted { get; private set; }

    public int DivertedStatus { get; private set; }

    protected HttpContext Context => context;

    /// <summary>
    /// Clears what a diverted attempt left on the response (status, reason, headers) so the next attempt starts clean;
    /// <paramref name="keep"/> are headers written before the attempt began (by outer middlewares), which are restored.
    /// </summary>
    public static void ResetResponse(HttpContext context, KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>[]? keep = null)
    {
        var response = context.Response;
        response.Headers.Clear();
        if (keep is not null)
        {
            foreach (var (name, value) in keep)
            {
                response.Headers[name] = value;
            }
        }

        response.StatusCode = StatusCodes.Status200OK;
        context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = null;
    }

    /// <summary>Called after the attempt returned: flushes a pending writer, then decides if nothing did yet.</summary>
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

    /// <summary>Whether the held response (status and headers on <see cref="Context"/>) must be swallowed; asked once.</summary>
    protected abstract bool ShouldDivert();

    /// <summary>Returns true when the response is diverted (swallow), false when it passes through.</summary>
    private bool Decide()
    {
        if (!_decided)
        {
            _decided = true;
            if (ShouldDivert())
            {
                Diverted = true;
                DivertedStatus = context.Response.StatusCode;
            }
        }

        return Diverted;
    }
}
