using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.Compress;

/// <summary><c>compress</c> through a real listener: the client gets a compressed, decodable body with the right head.</summary>
public sealed class CompressProxyTests
{
    private const string Static = "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n";

    [Theory]
    [InlineData("gzip", false)]
    [InlineData("br", false)]
    [InlineData("zstd", false)]
    [InlineData("gzip", true)]
    [InlineData("zstd", true)]
    public async Task ResponsesAreCompressedForTheNegotiatedEncodingAsync(string encoding, bool chunked)
    {
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compressible text, ", 2000)));
        await using var backend = await Backend.StartAsync(async context =>
        {
            context.Response.ContentType = "text/plain";
            if (!chunked)
            {
                context.Response.ContentLength = body.Length;
            }

            for (var offset = 0; offset < body.Length; offset += 4096)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(4096, body.Length - offset)));
                await context.Response.Body.FlushAsync();
            }
        });
        await using var portico = await StartAsync(backend, "compress: {}");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), "/"));
        request.Headers.TryAddWithoutValidation("Accept-Encoding", $"{encoding};q=1, gzip;q=0.5");
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        var compressed = await response.Content.ReadAsByteArrayAsync().WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(encoding, response.Content.Headers.ContentEncoding.Single());
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.True(compressed.Length < body.Length / 5, $"{compressed.Length} bytes is not compressed");
        Assert.Equal(body, encoding == "zstd" ? await ZstdCliAsync(compressed) : Decode(encoding, compressed));
    }

    [Fact]
    public async Task SmallAndIdentityResponsesKeepTheirLengthAsync()
    {
        // With a Content-Length the forwarder does not flush each read, so the short body stays under the minimum.
        // (A chunked backend is flushed read by read, and a flush starts compression, as in Traefik.)
        await using var backend = await Backend.StartAsync(context =>
        {
            var text = context.Request.Path == "/small" ? "tiny" : new string('a', 5000);
            context.Response.ContentLength = text.Length;
            return context.Response.WriteAsync(text);
        });
        await using var portico = await StartAsync(backend, "compress: {}");

        foreach (var (path, accept) in new[] { ("/small", "gzip"), ("/big", "identity"), ("/big", "gzip;q=0") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), path));
            request.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
            using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
            var text = await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(text.Length, response.Content.Headers.ContentLength);
            Assert.Equal(path == "/small" ? "tiny" : new string('a', 5000), text);
        }
    }

    private static byte[] Decode(string encoding, byte[] data)
    {
        using Stream decoder = encoding == "gzip"
            ? new GZipStream(new MemoryStream(data), CompressionMode.Decompress)
            : new BrotliStream(new MemoryStream(data), CompressionMode.Decompress);
        using var result = new MemoryStream();
        decoder.CopyTo(result);
        return result.ToArray();
    }

    /// <summary>Decompresses with Debian's <c>zstd</c> command (package zstd), independent of Portico's own binding.</summary>
    private static async Task<byte[]> ZstdCliAsync(byte[] compressed)
    {
        var start = new ProcessStartInfo("zstd", "-d -c") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("the zstd command (Debian package zstd) is needed on PATH for this test", ex);
        }

        using (process)
        {
            var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
            await process.StandardInput.BaseStream.WriteAsync(compressed).AsTask().WaitAsync(PorticoHost.Timeout);
            process.StandardInput.Close();
            await copy.WaitAsync(PorticoHost.Timeout);
            await process.WaitForExitAsync().WaitAsync(PorticoHost.Timeout);
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
            return output.ToArray();
        }
    }

    private static Task<PorticoHost> StartAsync(Backend backend, string middleware) => PorticoHost.StartAsync(Static, $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: backend
              middlewares: [mw]
          middlewares:
            mw:
              {middleware}
          services:
            backend:
              loadBalancer:
                servers:
                  - url: "{backend.Url}"
        """);
}
