using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portico.FunctionalTests.Infrastructure;
using Portico.Middlewares.GrpcWeb;

namespace Portico.FunctionalTests.Middlewares.GrpcWeb;

/// <summary><c>grpcWeb</c> through a real listener to a real HTTP/2 cleartext (h2c) backend that answers gRPC.</summary>
public sealed class GrpcWebProxyTests
{
    [Theory]
    [InlineData("application/grpc-web+proto", false)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/grpc-web-text+proto", true)]
    public async Task GrpcWebCallsReachTheGrpcBackendAndTrailersComeBackInTheBodyAsync(string contentType, bool text)
    {
        await using var backend = await StartGrpcBackendAsync();
        await using var portico = await StartAsync(backend);

        var frame = Frame(0x00, "hello"u8.ToArray());
        var payload = text ? Encoding.ASCII.GetBytes(Convert.ToBase64String(frame)) : frame;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portico.Url(), "/echo.Echo/Say")) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("Origin", "https://app.example");
        request.Headers.Add("X-Grpc-Web", "1");
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType.Replace("+proto", string.Empty, StringComparison.Ordinal) + (contentType.EndsWith("+proto", StringComparison.Ordinal) ? "+proto" : string.Empty), response.Content.Headers.ContentType!.ToString());
        Assert.Equal("https://app.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("grpc-status", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        if (text)
        {
            using var decoded = new MemoryStream();
            await new Base64DecodingStream(new MemoryStream(body)).CopyToAsync(decoded).WaitAsync(PorticoHost.Timeout);
            body = decoded.ToArray();
        }

        // The message frame, then the trailer frame (flag 0x80) whose lines may come in any order.
        var data = Frame(0x00, "HELLO over h2"u8.ToArray());
        Assert.Equal(data, body[..data.Length]);
        var trailer = body[data.Length..];
        Assert.Equal(0x80, trailer[0]);
        Assert.Equal(trailer.Length - 5, (int)BinaryPrimitives.ReadUInt32BigEndian(trailer.AsSpan(1)));
        var lines = Encoding.ASCII.GetString(trailer, 5, trailer.Length - 5).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(["grpc-message: done", "grpc-status: 0"], lines);
    }

    [Theory]
    [InlineData("https://app.example", true)]
    [InlineData("https://evil.example", false)]
    public async Task PreflightsAreAnsweredForAllowedOriginsAsync(string origin, bool allowed)
    {
        await using var backend = await StartGrpcBackendAsync();
        await using var portico = await StartAsync(backend);

        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(portico.Url(), "/echo.Echo/Say"));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-grpc-web,content-type");
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(allowed, response.Headers.Contains("Access-Control-Allow-Origin"));
        if (allowed)
        {
            Assert.Equal("x-grpc-web,content-type", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
            Assert.Equal("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        }

        Assert.Equal(0, backend.Requests);
    }

    private static byte[] Frame(byte flags, byte[] message)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A unary gRPC method over h2c that upper-cases the message and names the protocol it was reached with.</summary>
    private static Task<Backend> StartGrpcBackendAsync() => Backend.StartAsync(async context =>
    {
        Assert.Equal("application/grpc", context.Request.ContentType?.Split('+')[0]);
        using var received = new MemoryStream();
        await context.Request.Body.CopyToAsync(received);
        var message = Encoding.ASCII.GetString(received.ToArray(), 5, received.ToArray().Length - 5);
        var protocol = context.Request.Protocol == "HTTP/2" ? "h2" : context.Request.Protocol;
        context.Response.ContentType = context.Request.ContentType;
        await context.Response.Body.WriteAsync(Frame(0x00, Encoding.ASCII.GetBytes($"{message.ToUpperInvariant()} over {protocol}")));
        context.Response.AppendTrailer("grpc-status", "0");
        context.Response.AppendTrailer("grpc-message", "done");
    }, HttpProtocols.Http2);

    private static Task<PorticoHost> StartAsync(Backend backend) => PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n", $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: grpc
              middlewares: [web]
          middlewares:
            web:
              grpcWeb:
                allowOrigins: ["https://app.example"]
          services:
            grpc:
              loadBalancer:
                servers:
                  - url: "h2c://127.0.0.1:{backend.Port}"
        """);
}
