namespace Portico.Tests.Middlewares.Headers;

public sealed class AllowedHostsTests
{
    private const string Hosts = "allowedHosts: [\"app.example.com\", \"api.example.com:8443\"]";

    /// <summary>scenario, extra options, request Host, a request header ("Name: value" or ""), whether the backend is reached.</summary>
    public static TheoryData<string, string, string, string, bool> Checks => new()
    {
        { "listed host", "", "app.example.com", "", true },
        { "host compared ignoring case", "", "APP.Example.COM", "", true },
        { "host with its listed port", "", "api.example.com:8443", "", true },
        { "port is part of the comparison", "", "app.example.com:8080", "", false },
        { "other host", "", "evil.example.com", "", false },
        { "proxy header names an allowed host", "hostsProxyHeaders: [X-Forwarded-Host]", "10.0.0.1", "X-Forwarded-Host: app.example.com", true },
        { "proxy header names another host", "hostsProxyHeaders: [X-Forwarded-Host]", "app.example.com", "X-Forwarded-Host: evil.example.com", false },
        { "empty proxy header falls back to Host", "hostsProxyHeaders: [X-Forwarded-Host]", "app.example.com", "X-Forwarded-Host: ", true },
        { "proxy header not listed is ignored", "", "10.0.0.1", "X-Forwarded-Host: app.example.com", false },
        { "development allows every host", "isDevelopment: true", "evil.example.com", "", true },
        { "custom Host request header is checked", "customRequestHeaders:\n  Host: app.example.com", "evil.example.com", "", true },
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task OnlyAllowedHostsReachTheBackendAsync(string scenario, string extra, string host, string requestHeader, bool allowed)
    {
        var run = await HeadersHarness.RunAsync(Hosts + "\n" + extra, request =>
        {
            request.Host = new Microsoft.AspNetCore.Http.HostString(host);
            if (requestHeader.Length > 0)
            {
                var colon = requestHeader.IndexOf(':', StringComparison.Ordinal);
                request.Headers[requestHeader[..colon]] = requestHeader[(colon + 1)..].Trim();
            }
        });

        Assert.True(allowed == run.BackendCalled, scenario);
        Assert.True((allowed ? 200 : 500) == run.Status, $"{scenario}: status {run.Status}");
    }

    [Fact]
    public async Task ABadHostGetsUnrolledSecuresAnswerWithCustomAndCorsHeadersOnlyAsync()
    {
        var run = await HeadersHarness.RunAsync(
            Hosts + "\nframeDeny: true\ncustomResponseHeaders:\n  X-Tag: t\naccessControlAllowOriginList: [\"*\"]",
            request => request.Host = new Microsoft.AspNetCore.Http.HostString("evil.example.com"));

        Assert.False(run.BackendCalled);
        Assert.Equal(500, run.Status);
        Assert.Equal("Bad Host\n", run.Body);
        Assert.Equal("text/plain; charset=utf-8", run.Response("Content-Type"));
        Assert.Equal("nosniff", run.Response("X-Content-Type-Options"));
        Assert.Equal("t", run.Response("X-Tag"));
        Assert.Equal("*", run.Response("Access-Control-Allow-Origin"));
        Assert.Null(run.Response("X-Frame-Options"));
    }
}
