using System.Diagnostics;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>Runs the real curl client (Debian package curl) and returns what it printed.</summary>
internal static class Curl
{
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-sS");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("curl is not on PATH: install the Debian package curl to run this test", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(PorticoHost.Timeout);
            Assert.True(process.ExitCode == 0, $"curl {string.Join(' ', arguments)} failed: {await error.WaitAsync(PorticoHost.Timeout)}");
            return await output.WaitAsync(PorticoHost.Timeout);
        }
    }
}
