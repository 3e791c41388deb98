using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Portico.Middlewares.Compress;

namespace Portico.Tests.Middlewares.Compress;

public sealed class CompressTests
{
    private static readonly string[] Defaults = ["gzip", "br", "zstd"];

    public static TheoryData<string, string?, string?, string?> Negotiations => new()
    {
        // scenario, Accept-Encoding (null: absent), defaultEncoding, expected (null: identity)
        { "absent header and no default", null, null, null },
        { "absent header uses the default", null, "zstd", "zstd" },
        { "empty header means identity", "", null, null },
        { "server order breaks ties", "zstd, br, gzip", null, "gzip" },
        { "only one known", "deflate, br", null, "br" },
        { "highest q wins", "gzip;q=0.5, zstd;q=0.9", null, "zstd" },
        { "q=0 refuses", "gzip;q=0, br;q=0", null, null },
        { "q=0 refuses the named one only", "gzip;q=0, *", null, "br" },
        { "wildcard picks br by default", "*", null, "br" },
        { "wildcard picks the default encoding", "*", "zstd", "zstd" },
        { "wildcard refused", "*;q=0", null, null },
        { "identity only", "identity", null, null },
        { "identity refused but gzip accepted", "identity;q=0, gzip", null, "gzip" },
        { "spaces and case", " GZip ; Q=0.8 ,br;q=0.7", null, "gzip" },
        { "malformed q is ignored", "gzip;q=abc, br", null, "br" },
        { "explicit beats wildcard", "*;q=0.1, zstd;q=0.2", null, "zstd" },
    };

    [Theory]
    [MemberData(nameof(Negotiations))]
    public void AcceptEncodingIsNegotiated(string scenario, string? header, string? defaultEncoding, string? expected)
    {
        var negotiation = new AcceptEncoding(Defaults, defaultEncoding);
        var chosen = negotiation.Choose(header is null ? StringValues.Empty : new StringValues(header), header is not null);
        Assert.True((expected is null ? AcceptEncoding.Identity : Array.IndexOf(Defaults, expected)) == chosen, $"{scenario}: got {chosen}");
    }

    public static TheoryData<string, string, string, int, string?> Responses => new()
    {
        // scenario, options, response content type, body length, expected Content-Encoding
        { "large text is compressed", "{}", "text/plain", 4000, "gzip" },
        { "short body is left alone", "{}", "text/plain", 100, null },
        { "minimum is configurable", "{minResponseBodyBytes: 50}", "text/plain", 100, "gzip" },
        { "excluded type", "{excludedContentTypes: [\"text/plain\"]}", "text/plain; charset=utf-8", 4000, null },
        { "excluded with parameters must match them", "{excludedContentTypes: [\"text/plain; charset=ascii\"]}", "text/plain; charset=utf-8", 4000, "gzip" },
        { "included type", "{includedContentTypes: [\"application/json\"]}", "application/json", 4000, "gzip" },
        { "not included", "{includedContentTypes: [\"application/json\"]}", "text/html", 4000, null },
        { "grpc is never compressed", "{}", "application/grpc", 4000, null },
        { "unparsable content type", "{}", "not a type", 4000, null },
        { "encodings order", "{encodings: [br, gzip]}", "text/plain", 4000, "br" },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task ResponsesAreCompressedWhenEligibleAsync(string scenario, string options, string contentType, int length, string? expected)
    {
        var body = Body(length);
        var context = await RunAsync("compress: " + options, "gzip, br", contentType, [body]);

        Assert.True(expected == context.Response.Headers.ContentEncoding.FirstOrDefault(), scenario);
        Assert.Equal("Accept-Encoding", context.Response.Headers.Vary.ToString());
        Assert.Equal(body, Decode(expected, MiddlewareHarness.ResponseBytes(context)));
        Assert.Equal(expected is null ? body.Length : null, context.Response.ContentLength);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("zstd")]
    public async Task EveryEncodingRoundTripsOverManyWritesAsync(string encoding)
    {
        var chunks = Enumerable.Range(0, 50).Select(i => Body(997 + i)).ToArray();
        var context = await RunAsync("compress: {}", encoding, "text/plain", chunks);

        Assert.Equal(encoding, context.Response.Headers.ContentEncoding.ToString());
        Assert.Equal(chunks.SelectMany(c => c).ToArray(), Decode(encoding, MiddlewareHarness.ResponseBytes(context)));
    }

    [Fact]
    public async Task AlreadyEncodedResponsesAreNotCompressedTwiceAsync()
    {
        var body = Body(4000);
        var context = await RunAsync("compress: {}", "gzip", "text/plain", [body], response => response.Headers.ContentEncoding = "br");

        Assert.Equal("br", context.Response.Headers.ContentEncoding.ToString());
        Assert.Equal(body, MiddlewareHarness.ResponseBytes(context));
    }

    [Fact]
    public async Task PartialContentIsNotCompressedAsync()
    {
        var body = Body(4000);
        var context = await RunAsync("compress: {}", "gzip", "text/plain", [body], response =>
        {
            response.StatusCode = 206;
            response.Headers.ContentRange = "bytes 0-3999/8000";
        });

        Assert.Equal(0, context.Response.Headers.ContentEncoding.Count);
        Assert.Equal(body, MiddlewareHarness.ResponseBytes(context));
    }

    [Fact]
    public async Task HeadRequestsAreNotTouchedAsync()
    {
        var context = await RunAsync("compress: {}", "gzip", "text/plain", [Body(4000)], method: "HEAD");

        Assert.Equal(0, context.Response.Headers.ContentEncoding.Count);
        Assert.Equal(0, context.Response.Headers.Vary.Count);
    }

    [Fact]
    public async Task ExistingVaryIsKeptAndNotDuplicatedAsync()
    {
        var context = await RunAsync("compress: {}", "gzip", "text/plain", [Body(4000)], response => response.Headers.Vary = "Origin, accept-encoding");

        Assert.Equal("Origin, accept-encoding", context.Response.Headers.Vary.ToString());
    }

    [Theory]
    [InlineData("compress: {excludedContentTypes: [a/b], includedContentTypes: [c/d]}", "mutually exclusive")]
    [InlineData("compress: {encodings: []}", "at least one encoding")]
    [InlineData("compress: {encodings: [deflate]}", "unsupported encoding \"deflate\"")]
    [InlineData("compress: {encodings: [gzip], defaultEncoding: br}", "defaultEncoding: \"br\" is not one of the encodings")]
    [InlineData("compress: {excludedContentTypes: [\"/\"]}", "excludedContentTypes: \"/\" is not a media type")]
    [InlineData("compress: {minResponseBodyByte: 3}", "unknown key")]
    public void BadOptionsAreErrors(string yaml, string expected) =>
        Assert.Contains(expected, MiddlewareHarness.FirstError(yaml), StringComparison.Ordinal);

    [Fact]
    public void LibzstdIsAvailableOnThisMachine() =>
        Assert.True(ZstdNative.IsAvailable, $"libzstd.so.1 (Debian package libzstd1) is needed: {ZstdNative.UnavailableReason}");

    internal static byte[] Decode(string? encoding, byte[] data)
    {
        if (encoding == "zstd")
        {
            return ZstdNative.Decompress(data);
        }

        using Stream decoder = encoding switch
        {
            "gzip" => new GZipStream(new MemoryStream(data), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(data), CompressionMode.Decompress),
            _ => new MemoryStream(data),
        };
        using var result = new MemoryStream();
        decoder.CopyTo(result);
        return result.ToArray();
    }

    internal static byte[] Body(int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append("The quick brown fox jumps over the lazy dog ").Append(text.Length).Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static async Task<HttpContext> RunAsync(string yaml, string acceptEncoding, string contentType, byte[][] chunks, Action<HttpResponse>? prepare = null, string method = "GET")
    {
        var middleware = MiddlewareHarness.BuildValid(yaml);
        var context = MiddlewareHarness.NewContext(method);
        context.Request.Headers.AcceptEncoding = acceptEncoding;
        await middleware(async ctx =>
        {
            ctx.Response.ContentType = contentType;
            ctx.Response.ContentLength = chunks.Sum(c => c.Length);
            prepare?.Invoke(ctx.Response);
            foreach (var chunk in chunks)
            {
                await ctx.Response.Body.WriteAsync(chunk);
            }
        })(context).WaitAsync(TimeSpan.FromSeconds(10));
        return context;
    }
}
