using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Cli;

/// <summary>The built <c>portico</c> executable: exit codes of <c>version</c> and <c>check</c>, and one run that serves a request and stops on SIGTERM.</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task VersionPrintsTheVersionAndExitsZeroAsync()
    {
        var (exitCode, output) = await PorticoProcess.RunAsync("version");

        Assert.Equal(0, exitCode);
        Assert.Contains("Version:", output, StringComparison.Ordinal);
        Assert.Contains("Codename:     portico", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("good", "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"http://127.0.0.1:9\"\n", 0)]
    [InlineData("broken", "http:\n  routers:\n    app:\n      rule: \"Host(`a.test`)\n", 1)]
    public async Task CheckExitCodeSaysWhetherThereAreErrorsAsync(string scenario, string dynamicYaml, int expectedExit)
    {
        using var directory = new ConfigDirectory("entryPoints:\n  web:\n    address: \":8000\"\n", ("dynamic.yml", dynamicYaml));

        var (exitCode, output) = await PorticoProcess.RunAsync("check", "--configFile", directory.StaticFile, "--dynamic", directory.Dynamic);

        Assert.True(expectedExit == exitCode, $"{scenario}: exit {exitCode}\n{output}");
    }

    [Fact]
    public async Task ServesWithAConfigFileAndStopsGracefullyOnSigtermAsync()
    {
        await using var backend = await Backend.NamedAsync("from-backend");
        using var directory = new ConfigDirectory(
            """
            entryPoints:
              web:
                address: "127.0.0.1:0"
            log:
              level: INFO
            providers:
              providersThrottleDuration: 0s
              file:
                directory: "{dynamic}"
            """,
            ("dynamic.yml", $"http:\n  routers:\n    app:\n      rule: \"PathPrefix(`/`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"{backend.Url}\"\n"));
        using var process = PorticoProcess.Start("--configFile", directory.StaticFile);

        var line = await process.WaitForLineAsync(l => l.TrimStart().StartsWith("entry point web", StringComparison.Ordinal));
        var endPoint = IPEndPoint.Parse(line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        using var client = new HttpClient { Timeout = PorticoHost.Timeout };

        // The entry point is printed once it listens; the file provider's configuration may land a moment later (until
        // then the router answers 404), so wait for the router's own log line saying it is applied.
        await process.WaitForLineAsync(l => l.Contains("applied: 1 routers", StringComparison.Ordinal));
        Assert.Equal("from-backend", await client.GetStringAsync(new Uri($"http://127.0.0.1:{endPoint.Port}/")));

        await process.TerminateAsync();
        Assert.Equal(0, await process.WaitForExitAsync());
        Assert.Contains("shutting down gracefully", process.Output, StringComparison.Ordinal);
    }
}
