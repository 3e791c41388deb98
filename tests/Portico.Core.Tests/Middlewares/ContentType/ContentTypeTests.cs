using System.Text;
using Portico.Middlewares.ContentType;
using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.ContentType;

public sealed class ContentTypeTests
{
    public static TheoryData<string, byte[], string> Signatures => new()
    {
        { "html doctype after white space", L("  \n<!DOCTYPE html><html>"), "text/html; charset=utf-8" },
        { "html tag in lower case", L("<html>"), "text/html; charset=utf-8" },
        { "html comment", L("<!-- x -->"), "text/html; charset=utf-8" },
        { "a tag needs a space or >", L("<htmlx"), "text/plain; charset=utf-8" },
        { "xml", L("<?xml version=\"1.0\"?>"), "text/xml; charset=utf-8" },
        { "pdf", L("%PDF-1.7"), "application/pdf" },
        { "png", L("\x89PNG\r\n\x1A\n...."), "image/png" },
        { "jpeg", L("\xFF\xD8\xFF\xE0"), "image/jpeg" },
        { "gif", L("GIF89a..."), "image/gif" },
        { "webp", L("RIFF\0\0\0\0WEBPVP8 "), "image/webp" },
        { "gzip", L("\x1F\x8B\x08\0"), "application/x-gzip" },
        { "zip", L("PK\x03\x04"), "application/zip" },
        { "wasm", L("\0asm\x01\0\0\0"), "application/wasm" },
        { "woff2", L("wOF2...."), "font/woff2" },
        { "utf-8 BOM", L("\xEF\xBB\xBFhello"), "text/plain; charset=utf-8" },
        { "utf-16le BOM", L("\xFF\xFEh\0"), "text/plain; charset=utf-16le" },
        { "mp4", L("\0\0\0\x18" + "ftypmp42\0\0\0\0mp42isom"), "video/mp4" },
        { "json is text", L("{\"a\":1}"), "text/plain; charset=utf-8" },
        { "binary", L("\x01\x02\x03"), "application/octet-stream" },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void DetectsLikeGo(string scenario, byte[] data, string expected)
    {
        Assert.True(expected == ContentSniffer.Detect(data), $"{scenario}: {ContentSniffer.Detect(data)}");
    }

    public static TheoryData<string, string, int, string?, string?> Responses => new()
    {
        { "no type: sniffed", "{}", 200, null, "text/html; charset=utf-8" },
        { "a type sent by the backend is kept", "{}", 200, "application/json", "application/json" },
        { "encoded bodies are not sniffed", "{}", 200, "encoded", null },
        { "no body status", "{}", 304, null, null },
        { "autoDetect true still sniffs", "{ autoDetect: true }", 200, null, "text/html; charset=utf-8" },
        { "autoDetect false disables the middleware", "{ autoDetect: false }", 200, null, null },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task SniffsOnlyUntypedBodiesAsync(string scenario, string options, int status, string? backendType, string? expected)
    {
        var context = RewritingHarness.Request("/");
        await RewritingHarness.RunAsync($"contentType: {options}", context, async c =>
        {
            c.Response.StatusCode = status;
            if (backendType == "encoded")
            {
                c.Response.Headers.ContentEncoding = "gzip";
            }
            else if (backendType is not null)
            {
                c.Response.ContentType = backendType;
            }

            await c.Response.BodyWriter.FlushAsync();
            if (status != 304)
            {
                await c.Response.BodyWriter.WriteAsync(Encoding.ASCII.GetBytes("<html><body>hi</body></html>"));
            }
        });

        Assert.True(expected == context.Response.ContentType, $"{scenario}: {context.Response.ContentType}");
        Assert.Equal(status == 304 ? string.Empty : "<html><body>hi</body></html>", RewritingHarness.Body(context));
    }

    [Fact]
    public async Task AnEmptyBodyGetsNoTypeAsync()
    {
        var context = RewritingHarness.Request("/");
        await RewritingHarness.RunAsync("contentType: {}", context, _ => Task.CompletedTask);

        Assert.Null(context.Response.ContentType);
    }

    private static byte[] L(string latin1) => Encoding.Latin1.GetBytes(latin1);
}
