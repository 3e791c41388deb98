using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Reload;

/// <summary>Broken files, added and removed files, and duplicate names across files of the watched directory.</summary>
public sealed class FileChangeTests
{
    [Fact]
    public async Task BrokenFileKeepsTheLastGoodConfigurationUntilFixedAsync()
    {
        using var logs = new CapturingLoggerProvider();
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(context.Request.Path));
        await using var portico = await PorticoHost.StartAsync(Reload.Static, Reload.Routers(backend.Url, ("old", "/old")), logs.Factory);
        var generation = portico.Runtime.Current.Generation;

        // A file cut off in the middle of a mapping does not parse.
        var keeping = logs.WaitForAsync("keeping the last good configuration");
        await File.WriteAllTextAsync(Path.Combine(portico.Directory, "dynamic.yml"), "http:\n  routers:\n    new:\n      rule: \"PathPrefix(`/new`)\n      service: [");
        await keeping.WaitAsync(PorticoHost.Timeout);
        Assert.Contains(logs.Messages, m => m.Contains("dynamic.yml", StringComparison.Ordinal));
        Assert.Equal(generation, portico.Runtime.Current.Generation);
        Assert.Equal((HttpStatusCode.OK, "/old"), await portico.GetAsync("x.test", "/old"));

        await portico.WriteDynamicAsync(Reload.Routers(backend.Url, ("new", "/new")));
        Assert.Equal((HttpStatusCode.OK, "/new"), await portico.GetAsync("x.test", "/new"));
        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("x.test", "/old")).Status);
    }

    [Fact]
    public async Task AddedFileIsPickedUpAndRemovedFileRoutersDisappearAsync()
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(context.Request.Path));
        await using var portico = await PorticoHost.StartAsync(Reload.Static, Reload.Routers(backend.Url, ("base", "/base")));
        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("x.test", "/extra")).Status);

        await portico.WriteDynamicAsync("""
            http:
              routers:
                extra:
                  rule: "PathPrefix(`/extra`)"
                  service: app
            """, "extra.yml");
        Assert.Equal((HttpStatusCode.OK, "/extra"), await portico.GetAsync("x.test", "/extra"));

        var next = portico.Runtime.WaitForGenerationAsync(portico.Runtime.Current.Generation + 1);
        File.Delete(Path.Combine(portico.Directory, "extra.yml"));
        await next.WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("x.test", "/extra")).Status);
        Assert.Equal((HttpStatusCode.OK, "/base"), await portico.GetAsync("x.test", "/base"));
        Assert.DoesNotContain(portico.Runtime.Current.Status.Routers, r => r.Name == "extra@file");
    }

    [Fact]
    public async Task DuplicateRouterAcrossFilesNamesBothFilesAndKeepsTheFirstAsync()
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(context.Request.Path));
        await using var portico = await PorticoHost.StartAsync(Reload.Static, Reload.Routers(backend.Url, ("dup", "/first")));

        // "dynamic.yml" sorts before "second.yml", so its definition is the first one.
        var snapshot = await portico.WriteDynamicAsync("""
            http:
              routers:
                dup:
                  rule: "PathPrefix(`/second`)"
                  service: app
            """, "second.yml");

        var error = Assert.Single(snapshot.Status.AllErrors, e => e.Item.Contains("dup", StringComparison.Ordinal));
        Assert.Contains("dynamic.yml", error.Message, StringComparison.Ordinal);
        Assert.Contains("second.yml", error.Message, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "/first"), await portico.GetAsync("x.test", "/first"));
        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("x.test", "/second")).Status);
    }
}
