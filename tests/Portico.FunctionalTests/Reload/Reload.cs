namespace Portico.FunctionalTests.Reload;

/// <summary>Shared configuration text for the reload tests.</summary>
internal static class Reload
{
    public const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    /// <summary>One router per (name, path prefix) to one service at <paramref name="backend"/>.</summary>
    public static string Routers(Uri backend, params (string Name, string Prefix)[] routers)
    {
        var text = "http:\n  routers:\n";
        foreach (var (name, prefix) in routers)
        {
            text += $"    {name}:\n      rule: \"PathPrefix(`{prefix}`)\"\n      service: app\n";
        }

        return text + $"  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"{backend}\"\n";
    }
}
