using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.EncodedCharacters;

/// <summary>encodedCharacters rejects, on its router only, paths with encoded characters the entry point lets through.</summary>
public sealed class EncodedCharactersTests
{
    [Theory]
    [InlineData("/strict/a/b", 200)]
    [InlineData("/strict/a%2Fb", 400)]
    [InlineData("/strict/a%23b", 400)]
    [InlineData("/strict/a%3Bb", 200)]
    [InlineData("/lenient/a%2Fb", 200)]
    public async Task ForbiddenEncodedCharactersAreAnswered400Async(string target, int status)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $$"""
            http:
              routers:
                strict:
                  rule: "PathPrefix(`/strict`)"
                  service: backend
                  middlewares: [no-encoded]
                lenient:
                  rule: "PathPrefix(`/lenient`)"
                  service: backend
              middlewares:
                no-encoded:
                  encodedCharacters:
                    allowEncodedSemicolon: true
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), $"GET {target} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");

        Assert.Equal(status, result.FirstStatus);
        Assert.Equal(status == 200 ? 1 : 0, backend.Seen.Count);
    }
}
