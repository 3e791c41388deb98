using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Cli;

/// <summary>logrotate's protocol against a real <c>portico</c> process: rename the access log, send SIGUSR1, get a new file.</summary>
public sealed class AccessLogSignalTests
{
    [Fact]
    public async Task Sigusr1_reopens_the_access_log_after_a_renameAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        await using var backend = await RecordingBackend.StartAsync();
        using var directory = new ConfigDirectory(
            """
            entryPoints:
              web:
                address: "127.0.0.1:0"
            log:
              level: INFO
            accessLog:
              filePath: "{dynamic}/../access.log"
            providers:
              providersThrottleDuration: 0s
              file:
                directory: "{dynamic}"
            """,
            ("dynamic.yml", backend.CatchAllYaml()));
        var path = Path.GetFullPath(Path.Combine(directory.Dynamic, "..", "access.log"));
        using var process = PorticoProcess.Start("--configFile", directory.StaticFile);
        var line = await process.WaitForLineAsync(l => l.TrimStart().StartsWith("entry point web", StringComparison.Ordinal));
        var port = IPEndPoint.Parse(line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]).Port;
        await process.WaitForLineAsync(l => l.Contains("applied: 1 routers", StringComparison.Ordinal));
        using var client = new HttpClient { Timeout = PorticoHost.Timeout };

        Assert.Equal("ok", await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/before")));
        await Poll.UntilAsync(() => LineCount(path) == 1, "the first access log line");
        File.Move(path, path + ".1");
        await process.SignalAsync("USR1");
        await Poll.UntilAsync(() => File.Exists(path), "the access log to be reopened");
        Assert.Equal("ok", await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/after")));
        await Poll.UntilAsync(() => LineCount(path) == 1, "the line after the reopen");

        Assert.Contains("GET /before ", Assert.Single(File.ReadAllLines(path + ".1")), StringComparison.Ordinal);
        Assert.Contains("GET /after ", Assert.Single(File.ReadAllLines(path)), StringComparison.Ordinal);
        await process.TerminateAsync();
        Assert.Equal(0, await process.WaitForExitAsync());
    }

    private static int LineCount(string path) => File.Exists(path) ? File.ReadAllLines(path).Length : 0;
}
