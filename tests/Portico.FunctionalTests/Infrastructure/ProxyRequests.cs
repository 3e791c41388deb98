using System.Net;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>Small request helpers for tests that talk to an entry point with a chosen Host header.</summary>
internal static class ProxyRequests
{
    public static async Task<HttpResponseMessage> SendAsync(this PorticoHost portico, string host, string pathAndQuery, string entryPoint = "web", HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(portico.Url(entryPoint), pathAndQuery));
        request.Headers.Host = host;
        return await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
    }

    /// <summary>Sends a GET and returns the status with the body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(this PorticoHost portico, string host, string pathAndQuery, string entryPoint = "web")
    {
        using var response = await portico.SendAsync(host, pathAndQuery, entryPoint);
        return (response.StatusCode, await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
    }
}
