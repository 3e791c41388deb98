using System.Globalization;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Portico.Cli.Whoami;

/// <summary>
/// The request handlers of the whoami backend, dispatched on the exact path as Traefik's whoami does:
/// <c>/api</c>, <c>/health</c>, <c>/bench</c>, <c>/data</c>, <c>/echo</c>; every other path gets the text report.
/// </summary>
internal sealed class WhoamiEndpoints(WhoamiIdentity identity, TimeProvider timeProvider)
{
    private static readonly byte[] BenchBody = "1"u8.ToArray();

    private int _healthStatus = StatusCodes.Status200OK;

    /// <summary>The status code <c>GET /health</c> answers with; <c>POST /health</c> changes it.</summary>
    public int HealthStatus => Volatile.Read(ref _healthStatus);

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;

        // The benchmark endpoint comes first and returns without an async state machine: it must cost
        // the backend as little as possible so that the proxy, not the backend, is what gets measured.
        if (path == "/bench")
        {
            var response = context.Response;
            response.ContentType = "text/plain";
            response.ContentLength = BenchBody.Length;
            return response.Body.WriteAsync(BenchBody, 0, BenchBody.Length, context.RequestAborted);
        }

        return path switch
        {
            "/health" => HealthAsync(context),
            "/data" => WhoamiData.WriteAsync(context),
            "/echo" => EchoAsync(context),
            _ => ReportAsync(context, json: path == "/api"),
        };
    }

    private async Task ReportAsync(HttpContext context, bool json)
    {
        if (context.Request.Query.TryGetValue("wait", out var wait) &&
            WaitDuration.TryParse(wait.ToString(), out var delay) && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, timeProvider, context.RequestAborted);
        }

        if (json)
        {
            await WhoamiReport.WriteJsonAsync(context, identity);
        }
        else
        {
            await WhoamiReport.WriteTextAsync(context, identity);
        }
    }

    /// <summary>
    /// <c>POST</c> with a status code as body sets the health status (answered with 200); any other
    /// method answers with the current status and no body, like Traefik's whoami.
    /// </summary>
    private async Task HealthAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = HealthStatus;
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        if (!int.TryParse(body.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ||
            status is < 100 or > 599)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"invalid status code '{body.Trim()}'\n", context.RequestAborted);
            return;
        }

        Volatile.Write(ref _healthStatus, status);
    }

    /// <summary>Echoes every WebSocket message back with its type, until the client closes.</summary>
    private static async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("not a websocket handshake\n", context.RequestAborted);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The peer went away without a close handshake; there is no one left to tell.
        }
    }
}
