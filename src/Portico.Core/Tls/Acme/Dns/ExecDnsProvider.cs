using System.ComponentModel;
using System.Diagnostics;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// lego's <c>exec</c> provider: runs <c>EXEC_PATH</c> as <c>&lt;program&gt; present|cleanup &lt;fqdn&gt; &lt;value&gt;</c>, or with
/// <c>EXEC_MODE=RAW</c> as <c>&lt;program&gt; present|cleanup -- &lt;domain&gt; &lt;token&gt; &lt;keyAuth&gt;</c>. A non-zero exit fails
/// the challenge with the program's error output.
/// </summary>
internal sealed class ExecDnsProvider : IDnsProvider
{
    public const string ProviderName = "exec";

    private readonly string _program;
    private readonly bool _raw;

    public ExecDnsProvider(DnsProviderSettings settings)
    {
        _program = settings.Require("EXEC_PATH");
        _raw = string.Equals(settings.Get("EXEC_MODE"), "RAW", StringComparison.Ordinal);
        PropagationTimeout = settings.GetSeconds("EXEC_PROPAGATION_TIMEOUT", 60);
        PollingInterval = settings.GetSeconds("EXEC_POLLING_INTERVAL", 3);
    }

    public string Name => ProviderName;

    public TimeSpan PropagationTimeout { get; }

    public TimeSpan PollingInterval { get; }

    public Task PresentAsync(DnsChallengeRecord record, CancellationToken cancellationToken) =>
        RunAsync(BuildArguments("present", record, _raw), cancellationToken);

    public Task CleanupAsync(DnsChallengeRecord record, CancellationToken cancellationToken) =>
        RunAsync(BuildArguments("cleanup", record, _raw), cancellationToken);

    /// <summary>The program's arguments, exactly as lego passes them (RAW mode separates its values with <c>--</c>).</summary>
    public static string[] BuildArguments(string action, DnsChallengeRecord record, bool raw) =>
        raw ? [action, "--", record.Domain, record.Token, record.KeyAuthorization] : [action, record.Fqdn, record.Value];

    private async Task RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new AcmeException($"DNS provider exec: cannot run {_program}: {ex.Message}");
        }

        // Both pipes are drained concurrently so a chatty program cannot block on a full buffer.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = (await stderr.ConfigureAwait(false)).Trim();
        if (output.Length == 0)
        {
            output = (await stdout.ConfigureAwait(false)).Trim();
        }

        if (process.ExitCode != 0)
        {
            throw new AcmeException($"DNS provider exec: \"{_program} {arguments[0]}\" exited with code {process.ExitCode}: {output}");
        }
    }
}
