using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tcp.ProxyProtocol;

/// <summary>
/// HAProxy (Debian package haproxy) in TCP mode with the <c>listen</c> sections a test gives, as the reference PROXY
/// protocol sender and receiver around Portico.
/// </summary>
internal sealed class HaproxyProcess : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly Process _process;
    private readonly string _directory;

    private HaproxyProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>Starts HAProxy and waits until <paramref name="probePort"/> (one of its binds) accepts connections.</summary>
    public static async Task<HaproxyProcess> StartAsync(string listens, int probePort)
    {
        var haproxy = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("haproxy is not installed: install the Debian package haproxy to run these tests");
        var directory = Directory.CreateTempSubdirectory("portico-haproxy-").FullName;
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            {listens}

            """);
        var process = Process.Start(new ProcessStartInfo(haproxy, ["-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var started = new HaproxyProcess(process, directory);
        try
        {
            await Poll.UntilAsync(() => CanConnect(probePort), "haproxy listening", Timeout);
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().WaitAsync(Timeout);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
