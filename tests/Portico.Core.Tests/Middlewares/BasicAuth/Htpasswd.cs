using System.Diagnostics;

namespace Portico.Tests.Middlewares.BasicAuth;

/// <summary>Runs Apache's htpasswd (Debian package apache2-utils), which must be on PATH.</summary>
internal static class Htpasswd
{
    public static string Run(string flag, string costFlag, string cost, string user, string password)
    {
        // -C only applies to bcrypt; htpasswd rejects it with the other algorithms.
        string[] arguments = flag == "-B" ? ["-nb", flag, costFlag, cost, user, password] : ["-nb", flag, user, password];
        var start = new ProcessStartInfo("htpasswd") { RedirectStandardOutput = true, RedirectStandardError = true };
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
            throw new InvalidOperationException("htpasswd is not on PATH: install the Debian package apache2-utils to run these tests", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000) || process.ExitCode != 0)
            {
                throw new InvalidOperationException($"htpasswd {string.Join(' ', arguments)} failed: {process.StandardError.ReadToEnd()}");
            }

            return output;
        }
    }
}
