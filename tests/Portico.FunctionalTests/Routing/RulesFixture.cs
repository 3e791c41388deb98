using System.Text;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Routing;

/// <summary>
/// One router per rule under test, all in front of a single backend that answers the <c>X-Router</c> header each
/// router's own headers middleware sets: the body of a response names the router that matched.
/// </summary>
public sealed class RulesFixture : IAsyncLifetime
{
    /// <summary>Router name, rule, explicit priority (0 = default), rule syntax (null = default).</summary>
    private static readonly (string Name, string Rule, int Priority, string? Syntax)[] Routers =
    [
        ("host-exact", "Host(`a.example.com`)", 0, null),
        ("host-wildcard", "Host(`*.example.com`)", 0, null),
        ("api", "Host(`api.test`) && PathPrefix(`/api`)", 0, null),
        ("api-v2", "Host(`api.test`) && PathPrefix(`/api/v2`)", 0, null),
        ("path-exact", "Host(`path.test`) && Path(`/exact`)", 0, null),
        ("method-post", "Host(`m.test`) && Method(`POST`)", 0, null),
        ("header", "Host(`h.test`) && Header(`X-Env`, `prod`)", 0, null),
        ("query", "Host(`q.test`) && Query(`mode`, `fast`)", 0, null),
        ("client-loopback", "Host(`ip.test`) && ClientIP(`127.0.0.0/8`)", 0, null),
        ("client-ten", "Host(`ip2.test`) && ClientIP(`10.0.0.0/8`)", 0, null),
        ("not-private", "Host(`not.test`) && !PathPrefix(`/private`)", 0, null),
        ("either-host", "Host(`or1.test`) || Host(`or2.test`)", 0, null),
        ("prio-short-explicit", "Host(`prio.test`)", 500, null),
        ("prio-long-default", "Host(`prio.test`) && PathPrefix(`/a/long/prefix`)", 0, null),
        ("low-explicit", "Host(`low.test`) && PathPrefix(`/a/long/prefix`)", 1, null),
        ("low-default", "Host(`low.test`)", 0, null),
        ("v2-template", "Host(`v2.test`) && Path(`/users/{id:[0-9]+}`)", 0, "v2"),
        ("v2-multi", "Host(`v2a.test`, `v2b.test`) && Headers(`X-V`, `2`) && Query(`k=v`)", 0, "v2"),
    ];

    private Backend? _backend;
    private PorticoHost? _portico;

    internal PorticoHost Portico => _portico!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync(context => context.Response.WriteAsync(context.Request.Headers["X-Router"].ToString()));
        var yaml = new StringBuilder("http:\n  routers:\n");
        foreach (var (name, rule, priority, syntax) in Routers)
        {
            yaml.Append($"    {name}:\n      rule: \"{rule}\"\n      service: backend\n      middlewares: [\"tag-{name}\"]\n");
            if (priority != 0)
            {
                yaml.Append($"      priority: {priority}\n");
            }

            if (syntax is not null)
            {
                yaml.Append($"      ruleSyntax: {syntax}\n");
            }
        }

        yaml.Append("  middlewares:\n");
        foreach (var (name, _, _, _) in Routers)
        {
            yaml.Append($"    tag-{name}:\n      headers:\n        customRequestHeaders:\n          X-Router: \"{name}\"\n");
        }

        yaml.Append($"  services:\n    backend:\n      loadBalancer:\n        servers:\n          - url: \"{_backend.Url}\"\n");
        _portico = await PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n", yaml.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_portico is not null)
        {
            await _portico.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }
}
