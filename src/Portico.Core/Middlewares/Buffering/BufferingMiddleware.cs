using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Portico.Services;

namespace Portico.Middlewares.Buffering;

/// <summary>
/// Traefik's <c>buffering</c> (oxy's buffer): the whole request body is read before the request goes on (413 past
/// <c>maxRequestBodyBytes</c>), and the whole response is held until complete (500 past <c>maxResponseBodyBytes</c>),
/// memory first and then a temporary file. With a retry expression, a finished attempt that matches it is discarded and
/// the request is sent again with the same buffered body.
/// </summary>
internal sealed class BufferingMiddleware(RequestDelegate next, BufferingOptions options, Func<RetryState, bool>? retry)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        SpillBuffer? requestBody = null;
        try
        {
            // 1. Read the request body whole; a declared or actual size past the maximum is refused with 413.
            if (!options.DisableRequestBuffer)
            {
                if (options.MaxRequestBodyBytes > 0 && request.ContentLength > options.MaxRequestBodyBytes)
                {
                    await ServiceResponses.WriteRequestTooLargeAsync(context).ConfigureAwait(false);
                    return;
                }

                requestBody = await ReadRequestAsync(request, context.RequestAborted).ConfigureAwait(false);
                if (requestBody is null)
                {
                    await ServiceResponses.WriteRequestTooLargeAsync(context).ConfigureAwait(false);
                    return;
                }

                // The body now has a known length: send it framed by Content-Length, as oxy does.
                request.Headers.Remove(HeaderNames.TransferEncoding);
                request.ContentLength = requestBody.Length;
                request.Body = requestBody.OpenRead();
            }

            if (options.DisableResponseBuffer)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            // 2. Run attempts behind a buffering body until one is kept.
            await RunBufferedAsync(context, requestBody).ConfigureAwait(false);
        }
        finally
        {
            if (requestBody is not null)
            {
                await requestBody.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunBufferedAsync(HttpContext context, SpillBuffer? requestBody)
    {
        var response = context.Response;
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        for (var attempt = 1; ; attempt++)
        {
            await using var body = new BufferingBody(original, options.MemResponseBodyBytes, options.MaxResponseBodyBytes);
            context.Features.Set<IHttpResponseBodyFeature>(body);
            try
            {
                await next(context).ConfigureAwait(false);
                await body.DrainWriterAsync().ConfigureAwait(false);
            }
            finally
            {
                context.Features.Set(original);
            }

            if (body.TooLarge)
            {
                ResetResponse(context);
                response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            if (retry is not null && retry(new RetryState(attempt, response.StatusCode)))
            {
                // 3. Discard this attempt and replay the request from the start of its buffered body.
                ResetResponse(context);
                if (requestBody is not null)
                {
                    context.Request.Body = requestBody.OpenRead();
                }

                continue;
            }

            // 4. Send the kept answer with its real length.
            if (!HttpMethods.IsHead(context.Request.Method) && response.StatusCode is not (204 or 304))
            {
                response.Headers.Remove(HeaderNames.TransferEncoding);
                response.ContentLength = body.Content.Length;
            }

            await using var content = body.Content.OpenRead();
            await content.CopyToAsync(original.Stream, context.RequestAborted).ConfigureAwait(false);
            return;
        }
    }

    private async Task<SpillBuffer?> ReadRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new SpillBuffer(options.MemRequestBodyBytes);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                if (options.MaxRequestBodyBytes > 0 && buffer.Length > options.MaxRequestBodyBytes)
                {
                    await buffer.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
            }

            return buffer;
        }
        catch
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static void ResetResponse(HttpContext context)
    {
        var response = context.Response;
        response.Headers.Clear();
        response.StatusCode = StatusCodes.Status200OK;
        context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = null;
    }

    /// <summary>Holds the whole response body; past the maximum it stops storing and reports <see cref="TooLarge"/>.</summary>
    private sealed class BufferingBody(IHttpResponseBodyFeature inner, long memoryBytes, long maxBytes) : ResponseBodyInterceptor(inner), IAsyncDisposable
    {
        public SpillBuffer Content { get; } = new(memoryBytes);

        public bool TooLarge { get; private set; }

        public override Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task CompleteAsync() => Task.CompletedTask;

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (TooLarge)
            {
                return;
            }

            if (maxBytes > 0 && Content.Length + buffer.Length > maxBytes)
            {
                TooLarge = true;
                return;
            }

            await Content.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            await Content.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
