using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Portico.Configuration.Dynamic;
using Portico.Services.LoadBalancing;

namespace Portico.Services.Health;

/// <summary>
/// The gRPC health checking protocol (<c>grpc.health.v1.Health/Check</c>) over HTTP/2, cleartext (h2c) for http
/// servers. The protobuf messages are tiny and written by hand: the request is an empty <c>HealthCheckRequest</c>
/// (<c>service = ""</c>, which proto3 encodes as no bytes), the response's field 1 is the enum status, SERVING = 1.
/// </summary>
internal sealed class GrpcHealthProbe(HealthCheckConfig config, HttpMessageInvoker client) : IHealthProbe
{
    private const string CheckPath = "/grpc.health.v1.Health/Check";
    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");

    // A gRPC message frame: compressed flag 0, then a big-endian length of 0.
    private static readonly byte[] EmptyRequestFrame = [0, 0, 0, 0, 0];

    public async Task<string?> ProbeAsync(ServerState server, CancellationToken cancellationToken)
    {
        var baseUri = ProbeTarget.Build(server.Url, config.Scheme, config.Port, path: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, CheckPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(EmptyRequestFrame),
        };
        request.Content.Headers.ContentType = GrpcContentType;
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (!string.IsNullOrEmpty(config.Hostname))
        {
            request.Headers.Host = config.Hostname;
        }

        foreach (var (name, value) in config.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"gRPC health check got HTTP status {(int)response.StatusCode}";
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

            // Trailers arrive after the body; a "trailers-only" error answer carries grpc-status in the headers.
            var grpcStatus = Header(response.TrailingHeaders) ?? Header(response.Headers);
            if (grpcStatus != "0")
            {
                return $"gRPC health check failed with grpc-status {grpcStatus ?? "(missing)"}";
            }

            var status = ParseServingStatus(body);
            return status == 1 ? null : $"gRPC health check returned status {StatusName(status)}";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return cancellationToken.IsCancellationRequested ? "health check timed out" : "gRPC request failed: " + ex.Message;
        }
    }

    /// <summary>Reads field 1 (varint) of the first framed <c>HealthCheckResponse</c>; 0 (UNKNOWN) when absent or malformed.</summary>
    internal static int ParseServingStatus(ReadOnlySpan<byte> body)
    {
        if (body.Length < 5 || body[0] != 0)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body[1..5]);
        if (length > (uint)(body.Length - 5))
        {
            return 0;
        }

        var message = body.Slice(5, (int)length);
        var status = 0;
        while (!message.IsEmpty)
        {
            if (!TryReadVarint(ref message, out var tag))
            {
                return 0;
            }

            var field = tag >> 3;
            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(ref message, out var value))
                    {
                        return 0;
                    }

                    if (field == 1)
                    {
                        status = (int)value;
                    }

                    break;
                case 2:
                    if (!TryReadVarint(ref message, out var size) || size > (ulong)message.Length)
                    {
                        return 0;
                    }

                    message = message[(int)size..];
                    break;
                default:
                    return 0;
            }
        }

        return status;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> data, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && !data.IsEmpty; shift += 7)
        {
            var b = data[0];
            data = data[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string StatusName(int status) => status switch
    {
        0 => "UNKNOWN",
        1 => "SERVING",
        2 => "NOT_SERVING",
        3 => "SERVICE_UNKNOWN",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string? Header(HttpHeaders headers) =>
        headers.TryGetValues("grpc-status", out var values) ? values.FirstOrDefault() : null;
}
