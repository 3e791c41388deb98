using System.Collections.Concurrent;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Reload;

/// <summary>Ten reloads while four clients keep sending requests: not one request may fail.</summary>
public sealed class ReloadUnderLoadTests
{
    private const int Reloads = 10;
    private const int Workers = 4;

    [Fact]
    public async Task NoRequestFailsAcrossTenReloadsAsync()
    {
        await using var a = await Backend.NamedAsync("a");
        await using var b = await Backend.NamedAsync("b");
        await using var portico = await PorticoHost.StartAsync(Reload.Static, Config(0, a.Url));

        var failures = new ConcurrentQueue<string>();
        var succeeded = 0;
        var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            // Bounded so a broken router cannot keep the test running; the reloads end the loop long before.
            for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await portico.Client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
                    var body = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode || (body != "a" && body != "b"))
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {body}");
                    }
                    else
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or TaskCanceledException)
                {
                    failures.Enqueue(ex.GetType().Name + ": " + ex.Message);
                }
            }
        })).ToArray();

        // Each reload switches the backend and the version header, and waits until the new snapshot is live.
        for (var version = 1; version <= Reloads; version++)
        {
            await portico.WriteDynamicAsync(Config(version, version % 2 == 0 ? a.Url : b.Url));
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(PorticoHost.Timeout);

        Assert.True(failures.IsEmpty, $"{failures.Count} failed requests, for example: {string.Join(" | ", failures.Take(5))}");
        Assert.True(succeeded > Reloads, $"only {succeeded} requests ran during the reloads");
        using var final = await portico.Client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
        Assert.Equal("a", await final.Content.ReadAsStringAsync());
        Assert.Equal(Reloads.ToString(System.Globalization.CultureInfo.InvariantCulture), final.Headers.GetValues("X-Version").Single());
    }

    private static string Config(int version, Uri backend) => $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: app
              middlewares: [version]
          middlewares:
            version:
              headers:
                customResponseHeaders:
                  X-Version: "{version}"
          services:
            app:
              loadBalancer:
                servers:
                  - url: "{backend}"
        """;
}
