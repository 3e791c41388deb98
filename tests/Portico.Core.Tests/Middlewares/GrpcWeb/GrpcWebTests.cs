using System.Text;
using Portico.Middlewares.GrpcWeb;

namespace Portico.Tests.Middlewares.GrpcWeb;

public sealed class GrpcWebTests
{
    public static TheoryData<string, string[], string> Base64Bodies => new()
    {
        // scenario, chunks as received, decoded text
        { "one segment", ["aGVsbG8gd29ybGQ="], "hello world" },
        { "split anywhere", ["aGVs", "bG8", "gd29y", "bGQ="], "hello world" },
        { "padded segments one after the other", ["aGk=", "dGhlcmU="], "hithere" },
        { "padding inside a chunk", ["aGk=dGhl", "cmU="], "hithere" },
        { "empty", [], string.Empty },
    };

    [Theory]
    [MemberData(nameof(Base64Bodies))]
    public async Task TextBodiesAreDecodedInAnyChunkingAsync(string scenario, string[] chunks, string expected)
    {
        using var decoded = new MemoryStream();
        await new Base64DecodingStream(new ChunkStream(chunks)).CopyToAsync(decoded).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(expected == Encoding.ASCII.GetString(decoded.ToArray()), scenario);
    }

    [Fact]
    public async Task InvalidBase64IsRefusedAsync() =>
        await Assert.ThrowsAsync<InvalidDataException>(() => new Base64DecodingStream(new ChunkStream(["a*b="])).CopyToAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(10)));

    [Theory]
    [InlineData("GET", "application/grpc-web")]
    [InlineData("POST", "application/json")]
    [InlineData("POST", "application/grpc")]
    public async Task OtherRequestsPassUntouchedAsync(string method, string contentType)
    {
        var middleware = MiddlewareHarness.BuildValid("grpcWeb: {allowOrigins: [\"*\"]}");
        var context = MiddlewareHarness.NewContext(method);
        context.Request.ContentType = contentType;
        string? seen = null;

        await middleware(ctx =>
        {
            seen = ctx.Request.ContentType;
            return Task.CompletedTask;
        })(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(contentType, seen);
        Assert.Equal(0, context.Response.Headers.AccessControlAllowOrigin.Count);
    }

    [Fact]
    public void UnknownOptionsAreErrors() =>
        Assert.Contains("unknown key", MiddlewareHarness.FirstError("grpcWeb: {allowOrigin: [\"*\"]}"), StringComparison.Ordinal);

    /// <summary>Returns each chunk from a separate read, as a network body would.</summary>
    private sealed class ChunkStream(string[] chunks) : Stream
    {
        private int _next;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_next == chunks.Length)
            {
                return 0;
            }

            var bytes = Encoding.ASCII.GetBytes(chunks[_next++]);
            bytes.CopyTo(buffer, offset);
            return bytes.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
