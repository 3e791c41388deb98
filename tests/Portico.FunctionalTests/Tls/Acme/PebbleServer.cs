using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// Debian's real ACME test CA (package pebble): <c>pebble</c> on free loopback ports, resolving every name to 127.0.0.1
/// through <c>pebble-challtestsrv</c>'s mock DNS, with random validation delays and nonce rejections turned off. Its
/// HTTPS listener uses a certificate made here, which <see cref="CreateHttpClient"/> trusts by thumbprint.
/// </summary>
internal sealed class PebbleServer : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _directory;
    private readonly string _thumbprint;
    private readonly StringBuilder _log = new();

    private readonly PebbleOptions _options;
    private string[] _pebbleArguments = [];
    private Process? _pebble;

    private PebbleServer(string directory, string thumbprint, int port, int httpPort, int tlsPort, int dnsPort, int dnsManagementPort, PebbleOptions options, int managementPort = 0)
    {
        ManagementUrl = new Uri($"https://127.0.0.1:{managementPort}/");
        _directory = directory;
        _thumbprint = thumbprint;
        _options = options;
        DirectoryUrl = new Uri($"https://127.0.0.1:{port}/dir");
        HttpPort = httpPort;
        TlsPort = tlsPort;
        DnsPort = dnsPort;
        DnsManagementUrl = new Uri($"http://127.0.0.1:{dnsManagementPort}/");
    }

    public Uri DirectoryUrl { get; }

    /// <summary>pebble's management API (<c>/roots/0</c>, <c>/intermediates/0</c>...), same certificate as the ACME listener.</summary>
    public Uri ManagementUrl { get; }

    /// <summary>The PEM certificate of pebble's HTTPS listener, for a client's <c>caCertificates</c>.</summary>
    public string CertificatePath => Path.Combine(_directory, "cert.pem");

    /// <summary>The port pebble connects to for HTTP-01 validation.</summary>
    public int HttpPort { get; }

    /// <summary>The port pebble connects to for TLS-ALPN-01 validation.</summary>
    public int TlsPort { get; }

    /// <summary>The UDP/TCP port of pebble-challtestsrv's mock DNS server (what pebble resolves and validates DNS-01 with).</summary>
    public int DnsPort { get; }

    /// <summary>pebble-challtestsrv's management API (<c>set-txt</c>, <c>clear-txt</c>, <c>add-a</c>...).</summary>
    public Uri DnsManagementUrl { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <param name="httpPort">The port pebble validates HTTP-01 on (Portico's HTTP entry point); a free one when null.</param>
    public static Task<PebbleServer> StartAsync(int? httpPort = null) => StartAsync(new PebbleOptions { HttpPort = httpPort });

    public static async Task<PebbleServer> StartAsync(PebbleOptions options)
    {
        var httpPort = options.HttpPort;
        var pebble = FindOnPath("pebble") ?? throw new InvalidOperationException("pebble is not on PATH: install the Debian package pebble to run the ACME tests");
        var challtestsrv = FindOnPath("pebble-challtestsrv") ?? throw new InvalidOperationException("pebble-challtestsrv is not on PATH: install the Debian package pebble");
        var directory = Directory.CreateTempSubdirectory("portico-pebble-").FullName;

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        File.WriteAllText(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportECPrivateKeyPem());

        int port = FreePort.Get(), managementPort = FreePort.Get(), validationPort = httpPort ?? FreePort.Get(), tlsPort = options.TlsPort ?? FreePort.Get();
        int dnsPort = FreePort.Get(), dnsManagementPort = FreePort.Get();
        File.WriteAllText(Path.Combine(directory, "pebble.json"), string.Create(CultureInfo.InvariantCulture, $$"""
            {"pebble":{"listenAddress":"127.0.0.1:{{port}}","managementListenAddress":"127.0.0.1:{{managementPort}}",
            "certificate":"{{directory}}/cert.pem","privateKey":"{{directory}}/key.pem","httpPort":{{validationPort}},"tlsPort":{{tlsPort}},
            "ocspResponderURL":"","externalAccountBindingRequired":false{{options.ExtraConfigJson}}} }
            """));

        var server = new PebbleServer(directory, certificate.Thumbprint, port, validationPort, tlsPort, dnsPort, dnsManagementPort, options, managementPort);
        try
        {
            // An empty AAAA default keeps validation on IPv4, where the test's challenge server listens.
            server.Start(challtestsrv, "-dns01", $"127.0.0.1:{dnsPort}", "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-management", $"127.0.0.1:{dnsManagementPort}", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "");
            server._pebbleArguments = [pebble, "-config", Path.Combine(directory, "pebble.json"), "-dnsserver", $"127.0.0.1:{dnsPort}"];
            await server.StartPebbleAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Stops the pebble process (the mock DNS keeps running): the CA is down until <see cref="StartPebbleAsync"/>.</summary>
    public async Task StopPebbleAsync()
    {
        var process = _pebble!;
        process.Kill();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Starts pebble (again) on the same ports and waits for its directory. A restarted pebble has lost every account,
    /// order and root: it is a CA that failed and came back without its state.
    /// </summary>
    public async Task StartPebbleAsync()
    {
        _pebble = Start(_pebbleArguments[0], _pebbleArguments[1..]);
        using var client = CreateHttpClient();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                using var response = await client.GetAsync(DirectoryUrl);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "pebble's ACME directory", TimeSpan.FromSeconds(20));
    }

    /// <summary>An HttpClient that trusts exactly pebble's listener certificate.</summary>
    public HttpClient CreateHttpClient() => new(CreateHandler()) { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>A handler that trusts exactly pebble's listener certificate.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var thumbprint = _thumbprint;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && string.Equals(certificate.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase);
        return handler;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private Process Start(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PEBBLE_VA_NOSLEEP"] = "1";
        start.Environment["PEBBLE_WFE_NONCEREJECT"] = "0";
        start.Environment["PEBBLE_AUTHZREUSE"] = "0";
        foreach (var (name, value) in _options.Environment)
        {
            start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler append = (_, e) =>
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        _processes.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>How a test wants its pebble: validation ports, extra <c>pebble.json</c> members and environment (e.g. nonce rejection).</summary>
internal sealed record PebbleOptions
{
    /// <summary>The port pebble validates HTTP-01 on; a free one when null.</summary>
    public int? HttpPort { get; init; }

    /// <summary>The port pebble validates TLS-ALPN-01 on; a free one when null.</summary>
    public int? TlsPort { get; init; }

    /// <summary>Extra members of the <c>pebble</c> object, starting with a comma, e.g. <c>,"externalAccountMACKeys":{...}</c>.</summary>
    public string ExtraConfigJson { get; init; } = string.Empty;

    /// <summary>Environment for pebble and pebble-challtestsrv, applied after the defaults (e.g. PEBBLE_WFE_NONCEREJECT).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
