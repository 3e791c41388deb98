using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.EntryPoints;

/// <summary>
/// <c>http.sanitizePath</c> and <c>http.encodedCharacters</c> against encoded-path tricks: a public router on
/// <c>/</c> and a guarded one on <c>/admin</c>. Whatever the spelling, the router chosen and the path the backend
/// receives must agree, so a guard on <c>PathPrefix(`/admin`)</c> cannot be walked around.
/// </summary>
public sealed class PathPolicyTests
{
    public static TheoryData<string, string, string, string> Sanitized => new()
    {
        // scenario, raw path sent, backend expected, raw target the backend receives
        { "plain", "/admin/x", "admin", "/admin/x" },
        { "dot-dot segment", "/public/../admin/x", "admin", "/admin/x" },
        { "dot segment", "/./admin/./x", "admin", "/admin/x" },
        { "duplicate slashes", "//admin//x", "admin", "/admin/x" },
        { "encoded dots", "/public/%2e%2e/admin/x", "admin", "/admin/x" },
        { "encoded unreserved letter", "/%61dmin/x", "admin", "/admin/x" },
        { "dot-dot above the root", "/../../admin/x", "admin", "/admin/x" },
        { "encoded slash stays encoded", "/admin%2Fx", "admin", "/admin%2Fx" },
        { "encoded slash does not make a segment", "/public%2F..%2Fadmin", "public", "/public%2F..%2Fadmin" },
    };

    public static TheoryData<string, string, string, string> NotSanitized => new()
    {
        { "plain", "/admin/x", "admin", "/admin/x" },
        { "duplicate slashes are kept", "//admin//x", "public", "//admin//x" },
        { "dot-dot segment is kept", "/public/../admin/x", "public", "/public/../admin/x" },
        { "encoded dots are kept", "/public/%2e%2e/admin/x", "public", "/public/../admin/x" },
    };

    /// <summary>
    /// The seven <c>encodedCharacters</c> flags. At the entry point they all default to true (Traefik 3.6, see
    /// features.md §2.1; later Traefik releases flipped them to false): each one set to false rejects its character,
    /// in either hex case, with 400 before routing.
    /// </summary>
    public static TheoryData<string, string> EncodedCharacters => new()
    {
        { "allowEncodedSlash", "/admin%2Fx" },
        { "allowEncodedSlash", "/admin%2fx" },
        { "allowEncodedBackSlash", "/admin%5Cx" },
        { "allowEncodedNullCharacter", "/admin%00x" },
        { "allowEncodedSemicolon", "/admin%3Bx" },
        { "allowEncodedPercent", "/admin%25x" },
        { "allowEncodedQuestionMark", "/admin%3Fx" },
        { "allowEncodedHash", "/admin%23x" },
    };

    [Theory]
    [MemberData(nameof(EncodedCharacters))]
    public async Task EncodedCharacterFlagsRejectTheirCharacterOnlyAsync(string flag, string path)
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var strict = await PorticoHost.StartAsync(
            $"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                http:
                  encodedCharacters:
                    {flag}: false
            """,
            backend.CatchAllYaml());

        var rejected = await RawHttpClient.ExchangeAsync(strict.Url(), $"GET {path} HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        Assert.Equal([400], rejected.Statuses);
        Assert.Empty(backend.Seen);

        // The same flag leaves the other encoded characters alone, and the defaults let this one through.
        var other = flag == "allowEncodedHash" ? "/admin%3Bx" : "/admin%23x";
        var accepted = await RawHttpClient.ExchangeAsync(strict.Url(), $"GET {other} HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        Assert.Equal([200], accepted.Statuses);

        await using var lenient = await PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"", backend.CatchAllYaml());
        var byDefault = await RawHttpClient.ExchangeAsync(lenient.Url(), $"GET {path} HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        // Kestrel refuses an encoded NUL in the path whatever the entry point allows: stricter than Traefik, kept.
        Assert.Equal([flag == "allowEncodedNullCharacter" ? 400 : 200], byDefault.Statuses);
    }

    [Theory]
    [MemberData(nameof(Sanitized))]
    public Task SanitizedPathIsRoutedAndForwardedCleanedAsync(string scenario, string path, string expectedBackend, string expectedTarget) =>
        AssertRoutedAsync(sanitizePath: true, scenario, path, expectedBackend, expectedTarget);

    [Theory]
    [MemberData(nameof(NotSanitized))]
    public Task UnsanitizedPathIsRoutedAndForwardedAsSentAsync(string scenario, string path, string expectedBackend, string expectedTarget) =>
        AssertRoutedAsync(sanitizePath: false, scenario, path, expectedBackend, expectedTarget);

    private static async Task AssertRoutedAsync(bool sanitizePath, string scenario, string path, string expectedBackend, string expectedTarget)
    {
        await using var admin = await RecordingBackend.StartAsync();
        await using var pub = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync(
            $"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                http:
                  sanitizePath: {(sanitizePath ? "true" : "false")}
            """,
            $"""
            http:
              routers:
                admin:
                  rule: "PathPrefix(`/admin`)"
                  service: admin
                public:
                  rule: "PathPrefix(`/`)"
                  service: public
              services:
                admin:
                  loadBalancer:
                    servers:
                      - url: "{admin.Url}"
                public:
                  loadBalancer:
                    servers:
                      - url: "{pub.Url}"
            """);

        var result = await RawHttpClient.ExchangeAsync(portico.Url(), $"GET {path} HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        Assert.True(result.Statuses.SequenceEqual([200]), $"{scenario}: {result.Text}");
        var (chosen, other) = expectedBackend == "admin" ? (admin, pub) : (pub, admin);
        Assert.Empty(other.Seen);
        Assert.Equal(expectedTarget, Assert.Single(chosen.Seen).RawTarget);
    }
}
