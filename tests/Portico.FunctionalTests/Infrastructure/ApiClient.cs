using System.Net;
using System.Text.Json;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>Reads Portico's API on the <c>traefik</c> entry point (static configs enable it with <c>api.insecure</c>).</summary>
internal static class ApiClient
{
    /// <summary>GETs an API path; null when the API answers 404 (no such item).</summary>
    public static async Task<JsonElement?> GetAsync(PorticoHost portico, string path)
    {
        using var response = await portico.Client.GetAsync(new Uri(portico.Url("traefik"), path)).WaitAsync(PorticoHost.Timeout);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> RouterAsync(PorticoHost portico, string name) =>
        await GetAsync(portico, "/api/http/routers/" + Uri.EscapeDataString(name))
            ?? throw new InvalidOperationException($"router {name} is not in the API");

    /// <summary>The router's <c>error</c> messages joined with newlines (empty when it has none).</summary>
    public static string Errors(JsonElement item) =>
        item.TryGetProperty("error", out var errors) ? string.Join("\n", errors.EnumerateArray().Select(e => e.GetString())) : string.Empty;

    public static string Status(JsonElement item) => item.GetProperty("status").GetString()!;
}
