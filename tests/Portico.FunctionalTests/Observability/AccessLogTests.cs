using System.Net;
using System.Text.Json;
using Portico.FunctionalTests.Infrastructure;
using Portico.FunctionalTests.Tls;

namespace Portico.FunctionalTests.Observability;

/// <summary>The access log through real listeners: the lines written to the file match the traffic that was sent.</summary>
public sealed class AccessLogTests
{
    [Fact]
    public async Task Json_lines_match_the_traffic_and_skip_internal_and_silenced_routersAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        var closedPort = FreePort.Get();
        await using var portico = await PorticoHost.StartAsync($$"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            ping:
              entryPoint: web
            accessLog:
              filePath: "{{Path.Combine(Path.GetTempPath(), "portico-al-" + Guid.NewGuid().ToString("N")[..12], "access.log")}}"
              format: json
            """);
        var path = portico.Server.Config.AccessLog!.FilePath!;
        await portico.WriteDynamicAsync($$"""
            http:
              routers:
                app:
                  rule: "Host(`app.test`)"
                  service: app
                quiet:
                  rule: "Host(`quiet.test`)"
                  service: app
                  observability:
                    accessLogs: false
                down:
                  rule: "Host(`down.test`)"
                  service: down
                retried:
                  rule: "Host(`retry.test`)"
                  service: down
                  middlewares: [retry]
              middlewares:
                retry:
                  retry:
                    attempts: 3
                    initialInterval: 1ms
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
                down:
                  loadBalancer:
                    servers:
                      - url: "http://127.0.0.1:{{closedPort}}"
            """);

        // Not logged: the internal ping service and a router with observability.accessLogs: false.
        Assert.Equal(HttpStatusCode.OK, await GetAsync(portico, "app.test", "/ping"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(portico, "quiet.test", "/"));

        Assert.Equal(HttpStatusCode.OK, await GetAsync(portico, "app.test", "/one?x=1"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(portico, "nope.test", "/"));
        Assert.Equal(HttpStatusCode.BadGateway, await GetAsync(portico, "down.test", "/"));
        Assert.Equal(HttpStatusCode.BadGateway, await GetAsync(portico, "retry.test", "/"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(portico, "app.test", "/last"));
        await portico.Server.AccessLog!.Writer.WaitForWrittenAsync(5).WaitAsync(PorticoHost.Timeout);

        var lines = (await File.ReadAllLinesAsync(path)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(5, lines.Length);
        Assert.Equal(["/one?x=1", "/", "/", "/", "/last"], lines.Select(l => l.GetProperty("RequestPath").GetString()));
        Assert.Equal([200, 404, 502, 502, 200], lines.Select(l => l.GetProperty("DownstreamStatus").GetInt32()));
        Assert.Equal(["app@file", null, "down@file", "retried@file", "app@file"], lines.Select(l => l.TryGetProperty("RouterName", out var r) ? r.GetString() : null));
        Assert.Equal(["app@file", null, "down@file", "down@file", "app@file"], lines.Select(l => l.TryGetProperty("ServiceName", out var r) ? r.GetString() : null));
        Assert.Equal([0, 0, 0, 2, 0], lines.Select(l => l.GetProperty("RetryAttempts").GetInt32()));
        Assert.Equal(backend.Url.ToString().TrimEnd('/'), lines[0].GetProperty("ServiceURL").GetString()!.TrimEnd('/'));
        Assert.Equal(200, lines[0].GetProperty("OriginStatus").GetInt32());
        Assert.Equal(2, lines[0].GetProperty("OriginContentSize").GetInt64());
        Assert.Equal(2, lines[0].GetProperty("DownstreamContentSize").GetInt64());
        Assert.Equal(502, lines[2].GetProperty("OriginStatus").GetInt32());
        Assert.False(lines[1].TryGetProperty("OriginStatus", out _));
        Assert.All(lines, l => Assert.Equal("web", l.GetProperty("entryPointName").GetString()));
        Assert.All(lines, l => Assert.Equal("http", l.GetProperty("RequestScheme").GetString()));

        // Every request counts, logged or not: the ping and quiet ones came first.
        Assert.Equal([3L, 4, 5, 6, 7], lines.Select(l => l.GetProperty("RequestCount").GetInt64()));
        Assert.Single(backend.Seen, s => s.Path == "/last");
    }

    [Fact]
    public async Task An_mTLS_request_logs_the_TLS_version_cipher_and_client_subjectAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync($$"""
            entryPoints:
              websecure:
                address: "127.0.0.1:0"
                http:
                  tls: {}
            accessLog:
              filePath: "{{Path.Combine(Path.GetTempPath(), "portico-al-" + Guid.NewGuid().ToString("N")[..12], "access.log")}}"
              format: json
            """);
        using var ca = ClientCertificates.CreateCa(portico.Directory, "ca");
        await portico.WriteDynamicAsync($$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: app
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            tls:
              options:
                default:
                  clientAuth:
                    caFiles: ["{{ca.CaFile}}"]
                    clientAuthType: RequireAndVerifyClientCert
            """);

        using var certificate = ca.Issue("alice");
        using var https = new MtlsClient(portico.Url("websecure"), certificate);
        using var response = await https.GetAsync("app.test").WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await portico.Server.AccessLog!.Writer.WaitForWrittenAsync(1).WaitAsync(PorticoHost.Timeout);

        var line = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(portico.Server.Config.AccessLog!.FilePath!))).RootElement;
        Assert.Equal("https", line.GetProperty("RequestScheme").GetString());
        Assert.Contains(line.GetProperty("TLSVersion").GetString(), new[] { "1.2", "1.3" });
        Assert.StartsWith("TLS_", line.GetProperty("TLSCipher").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("CN=alice", line.GetProperty("TLSClientSubject").GetString(), StringComparison.Ordinal);
        Assert.Equal("app@file", line.GetProperty("RouterName").GetString());
    }

    [Fact]
    public async Task Reopen_after_a_rename_sends_later_lines_to_a_new_fileAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync($$"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            accessLog:
              filePath: "{{Path.Combine(Path.GetTempPath(), "portico-al-" + Guid.NewGuid().ToString("N")[..12], "access.log")}}"
            """, backend.CatchAllYaml());
        var path = portico.Server.Config.AccessLog!.FilePath!;
        var writer = portico.Server.AccessLog!.Writer;

        Assert.Equal(HttpStatusCode.OK, await GetAsync(portico, "app.test", "/before"));
        await writer.WaitForWrittenAsync(1).WaitAsync(PorticoHost.Timeout);
        File.Move(path, path + ".1");
        writer.RequestReopen();
        Assert.Equal(HttpStatusCode.OK, await GetAsync(portico, "app.test", "/after"));
        await writer.WaitForWrittenAsync(2).WaitAsync(PorticoHost.Timeout);

        Assert.Contains("\"GET /before HTTP/1.1\" 200", Assert.Single(await File.ReadAllLinesAsync(path + ".1")), StringComparison.Ordinal);
        Assert.Contains("\"GET /after HTTP/1.1\" 200", Assert.Single(await File.ReadAllLinesAsync(path)), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Addinternals_logs_requests_to_internal_servicesAsync()
    {
        await using var portico = await PorticoHost.StartAsync($$"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            ping:
              entryPoint: web
            accessLog:
              addInternals: true
              filePath: "{{Path.Combine(Path.GetTempPath(), "portico-al-" + Guid.NewGuid().ToString("N")[..12], "access.log")}}"
            """);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(portico, "any.test", "/ping"));
        await portico.Server.AccessLog!.Writer.WaitForWrittenAsync(1).WaitAsync(PorticoHost.Timeout);

        Assert.Contains("\"ping@internal\"", Assert.Single(await File.ReadAllLinesAsync(portico.Server.Config.AccessLog!.FilePath!)), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> GetAsync(PorticoHost portico, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), path));
        request.Headers.Host = host;
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        return response.StatusCode;
    }
}
