using System.Globalization;

namespace Portico.FunctionalTests.Tls.Acme.Dns;

/// <summary>Shell scripts for lego's <c>exec</c> protocol, written to a temporary directory and made executable.</summary>
internal sealed class DnsScripts : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("portico-dns-exec-");

    /// <summary>A script that publishes and clears the TXT record with curl through pebble-challtestsrv's API.</summary>
    public string Challtestsrv(Uri management) => Write("challtestsrv.sh", $$"""
        #!/bin/sh
        set -e
        case "$1" in
          present) curl -sS -f -X POST -d "{\"host\":\"$2\",\"value\":\"$3\"}" "{{management}}set-txt" ;;
          cleanup) curl -sS -f -X POST -d "{\"host\":\"$2\"}" "{{management}}clear-txt" ;;
          *) echo "unexpected action $1" >&2; exit 2 ;;
        esac
        """);

    public string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _directory.Delete(recursive: true);
}
