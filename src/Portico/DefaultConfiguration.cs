using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;
using Portico.Providers;

namespace Portico.Cli;

/// <summary>
/// What <c>portico</c> serves with no configuration at all: entry point <c>web</c> on :8000 routing to a built-in
/// whoami backend, and the API, dashboard and ping on :8080.
/// </summary>
internal static class DefaultConfiguration
{
    public const string Banner = """

          Built-in demo (no configuration file, flags or PORTICO_/TRAEFIK_ variables were found):
            curl http://localhost:8000/              whoami through the proxy (router whoami@default)
            curl http://localhost:8000/demo/api      stripPrefix /demo + a custom header (router demo@default)
            curl http://localhost:8080/api/http/routers   the read API
            open http://localhost:8080/dashboard/          the dashboard
            curl http://localhost:8080/ping                 ping
          Run `portico --help` for options; pass --configFile=traefik.yml to use your own configuration.
        """;

    public static StaticConfig Static { get; } = new()
    {
        EntryPoints = new Dictionary<string, EntryPointConfig>
        {
            ["web"] = new() { Address = ":8000" },
            ["traefik"] = new() { Address = ":8080" },
        },
        Api = new ApiConfig { Insecure = true, Dashboard = true },
        Ping = new PingConfig(),
        Log = new LogConfig { Level = "INFO" },
    };

    public static IConfigProvider Provider(string whoamiUrl) => new StaticProvider("default", new DynamicConfig
    {
        Http = new HttpConfig
        {
            Routers = new Dictionary<string, RouterConfig>
            {
                ["whoami"] = new() { EntryPoints = ["web"], Rule = "PathPrefix(`/`)", Service = "whoami" },
                ["demo"] = new() { EntryPoints = ["web"], Rule = "PathPrefix(`/demo`)", Service = "whoami", Middlewares = ["strip-demo", "demo-header"] },
            },
            Services = new Dictionary<string, ServiceConfig>
            {
                ["whoami"] = new()
                {
                    LoadBalancer = new LoadBalancerConfig { Servers = [new ServerConfig { Url = whoamiUrl }] },
                },
            },
            Middlewares = new Dictionary<string, ConfigNode>
            {
                ["strip-demo"] = Node("stripPrefix", "prefixes", ["/demo"]),
                ["demo-header"] = Node("headers", "customRequestHeaders", null, ("X-Portico-Demo", "true")),
            },
        },
    });

    private static ConfigNode Node(string type, string option, string[]? items, params (string Key, string Value)[] entries)
    {
        var at = new SourceLocation("built-in default", 0, 0);
        var value = items is not null
            ? ConfigNode.Sequence(items.Select(i => ConfigNode.Scalar(i, at)).ToArray(), at)
            : ConfigNode.Mapping(entries.Select(e => new KeyValuePair<string, ConfigNode>(e.Key, ConfigNode.Scalar(e.Value, at))).ToArray(), at);
        var options = ConfigNode.Mapping([new(option, value)], at);
        return ConfigNode.Mapping([new(type, options)], at);
    }
}
