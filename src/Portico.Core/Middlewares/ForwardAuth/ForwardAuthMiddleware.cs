using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Portico.Runtime;

namespace Portico.Middlewares.ForwardAuth;

/// <summary>
/// Asks an authentication server about every request, as Traefik's forwardAuth: a 2xx answer lets the request through
/// with the chosen response headers copied onto it; any other answer is returned to the client as it is (status,
/// headers, body). When the server cannot be reached the client gets an empty 500, as in Traefik.
/// </summary>
internal sealed partial class ForwardAuthMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ForwardAuthSettings _settings;
    private readonly ILogger _logger;

    public ForwardAuthMiddleware(RequestDelegate next, ForwardAuthSettings settings, ILogger logger)
    {
        _next = next;
        _settings = settings;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        // 1. With forwardBody, buffer the request body (bounded by maxBodySize) so both servers get it.
        HttpContent? content = null;
        if (_settings.ForwardBody && HasBody(context.Request))
        {
            var body = await ForwardAuthBody.ReadAsync(context.Request.Body, _settings.MaxBodySize, context.RequestAborted);
            if (body is null)
            {
                LogBodyTooLarge(_logger, _settings.MaxBodySize);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.Request.Body = new MemoryStream(body, writable: false);
            content = new ByteArrayContent(body);
        }

        // 2. Ask the authentication server.
        using var message = ForwardAuthRequest.Build(context, _settings, content);
        HttpResponseMessage answer;
        try
        {
            answer = await _settings.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogAuthServerError(_logger, _settings.Address, ex.Message);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        using (answer)
        {
            byte[]? answerBody;
            try
            {
                answerBody = await ForwardAuthBody.ReadAsync(await answer.Content.ReadAsStreamAsync(context.RequestAborted), _settings.MaxResponseBodySize, context.RequestAborted);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
            {
                LogAuthServerError(_logger, _settings.Address, ex.Message);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            if (answerBody is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            // 3. Record the user the server names, for the access log.
            if (_settings.HeaderField is { } field && ForwardAuthResponse.First(answer, field) is { } user && PorticoRequestFeature.Get(context) is { } feature)
            {
                feature.ClientUsername = user;
            }

            var status = (int)answer.StatusCode;
            if (_settings.AuthSigninUrl is { } signin && status == StatusCodes.Status401Unauthorized)
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = signin;
                return;
            }

            // 4. Denied: the server's answer goes back to the client.
            if (status is < 200 or >= 300)
            {
                LogDenied(_logger, _settings.Address, status);
                await ForwardAuthResponse.WriteDeniedAsync(context, answer, answerBody, _settings);
                return;
            }

            // 5. Allowed: copy the chosen headers onto the request and, when asked, the server's cookies onto the response.
            ForwardAuthResponse.CopyAuthHeaders(context.Request.Headers, answer, _settings);
            ForwardAuthResponse.AddAuthCookies(context, answer, _settings.AuthCookies);
        }

        await _next(context);
    }

    /// <summary>Whether the request carries a body; a CONNECT of unknown length carries tunnel bytes, never sent to the auth server.</summary>
    private static bool HasBody(HttpRequest request)
    {
        if (HttpMethods.IsConnect(request.Method) && request.ContentLength is null)
        {
            return false;
        }

        return request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "forwardAuth: error calling the authentication server {Address}: {Error}")]
    private static partial void LogAuthServerError(ILogger logger, Uri address, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "forwardAuth: {Address} denied the request with status {Status}")]
    private static partial void LogDenied(ILogger logger, Uri address, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "forwardAuth: request body larger than maxBodySize {MaxBodySize}")]
    private static partial void LogBodyTooLarge(ILogger logger, long maxBodySize);
}
