using System.Net;
using Microsoft.Extensions.Logging;
using Portico.Configuration;
using Portico.Configuration.Static;
using Portico.Hosting;
using Portico.Runtime;

namespace Portico.FunctionalTests.Infrastructure;

/// <summary>
/// A whole Portico router on loopback: entry points on 127.0.0.1 with random ports, configured from YAML strings
/// exactly as a user would write them, and the file provider watching a temporary directory.
/// </summary>
internal sealed class PorticoHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly PorticoServer _server;

    private PorticoHost(PorticoServer server, string directory)
    {
        _server = server;
        Directory = directory;
    }

    /// <summary>The directory watched by the file provider; <see cref="WriteDynamicAsync"/> writes into it.</summary>
    public string Directory { get; }

    public RuntimeHolder Runtime => _server.Runtime;

    public Lifecycle Lifecycle => _server.Lifecycle;

    /// <summary>The router itself, for tests that reach its parts (the access log writer, for example).</summary>
    public PorticoServer Server => _server;

    public HttpClient Client { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
        Timeout = Timeout,
    };

    /// <summary>
    /// Starts Portico. <paramref name="staticYaml"/> is a static configuration whose entry point addresses may use port 0;
    /// when it has no <c>providers.file</c>, one watching a temporary directory is added with a zero throttle.
    /// </summary>
    public static async Task<PorticoHost> StartAsync(string staticYaml, string? dynamicYaml = null, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "portico-ft-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        if (dynamicYaml is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "dynamic.yml"), dynamicYaml);
        }

        var errors = new List<ConfigError>();
        var node = Configuration.Parsing.YamlConfigReader.Read(staticYaml, "static.yml", errors);
        var config = Configuration.Parsing.ConfigBinder.Bind<StaticConfig>(node, string.Empty, errors);
        if (errors.Any(e => e.Severity == ConfigSeverity.Error))
        {
            throw new InvalidOperationException("bad static configuration in test: " + string.Join("; ", errors));
        }

        config = config with
        {
            Providers = (config.Providers ?? new ProvidersConfig()) with
            {
                File = config.Providers?.File ?? new FileProviderConfig { Directory = directory, Watch = true },
                ProvidersThrottleDuration = config.Providers?.ProvidersThrottleDuration ?? TimeSpan.Zero,
            },
        };

        var server = new PorticoServer(config, loggerFactory ?? TestLogging.Factory, time);
        var host = new PorticoHost(server, directory);
        var firstFile = host.Runtime.WaitForGenerationAsync(2);
        await server.StartAsync(CancellationToken.None).WaitAsync(Timeout);

        // Generation 1 has only the internal items; the file provider's first configuration makes generation 2.
        await firstFile.WaitAsync(Timeout);
        return host;
    }

    /// <summary>The URL of an entry point, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url(string entryPoint = "web")
    {
        var endPoint = _server.EntryPoints[entryPoint];
        var address = endPoint.Address.Equals(IPAddress.IPv6Any) || endPoint.Address.Equals(IPAddress.Any) ? "127.0.0.1" : endPoint.Address.ToString();
        return new Uri($"http://{address}:{endPoint.Port}");
    }

    /// <summary>Replaces the dynamic configuration file and waits until a new snapshot built from it is live.</summary>
    public async Task<RuntimeSnapshot> WriteDynamicAsync(string yaml, string fileName = "dynamic.yml")
    {
        var next = Runtime.WaitForGenerationAsync(Runtime.Current.Generation + 1);
        var path = Path.Combine(Directory, fileName);
        var temporary = Path.Combine(Directory, "." + fileName + ".tmp");
        await File.WriteAllTextAsync(temporary, yaml);
        File.Move(temporary, path, overwrite: true);
        return await next.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync().AsTask().WaitAsync(Timeout);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
