using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.IpAllowList;

/// <summary>ipAllowList through a real listener: the socket peer, and X-Forwarded-For from a trusted client.</summary>
public sealed class IpAllowListTests
{
    [Theory]
    [InlineData("peer 127.0.0.1 allowed", "/peer", null, HttpStatusCode.OK)]
    [InlineData("peer outside the range", "/elsewhere", null, HttpStatusCode.Forbidden)]
    [InlineData("depth 1 picks an allowed client", "/depth", "9.9.9.9, 1.1.1.1", HttpStatusCode.OK)]
    [InlineData("depth 1 picks a refused client", "/depth", "1.1.1.1, 9.9.9.9", (HttpStatusCode)418)]
    [InlineData("deprecated ipWhiteList still applies", "/legacy", null, HttpStatusCode.Forbidden)]
    public async Task FiltersClientsAsync(string scenario, string path, string? forwardedFor, HttpStatusCode expected)
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("backend"));
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                forwardedHeaders:
                  insecure: true
            """, $$"""
            http:
              routers:
                peer: { rule: "Path(`/peer`)", service: backend, middlewares: [local] }
                elsewhere: { rule: "Path(`/elsewhere`)", service: backend, middlewares: [remote] }
                depth: { rule: "Path(`/depth`)", service: backend, middlewares: [by-depth] }
                legacy: { rule: "Path(`/legacy`)", service: backend, middlewares: [legacy] }
              middlewares:
                local:
                  ipAllowList: { sourceRange: ["127.0.0.0/8", "::1"] }
                remote:
                  ipAllowList: { sourceRange: ["10.0.0.0/8"] }
                by-depth:
                  ipAllowList:
                    sourceRange: ["1.1.1.0/24"]
                    rejectStatusCode: 418
                    ipStrategy: { depth: 1 }
                legacy:
                  ipWhiteList: { sourceRange: ["10.0.0.0/8"] }
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), path));
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.True(expected == response.StatusCode, $"{scenario}: got {(int)response.StatusCode}");
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, backend.Requests);
    }
}
