using System.Collections;
using System.Net;
using System.Runtime.InteropServices;
using Portico.Cli.Whoami;
using Portico.Configuration.Static;
using Portico.Hosting;
using Portico.Providers;

namespace Portico.Cli;

/// <summary>The default command: load the static configuration and serve until SIGINT or SIGTERM, then shut down gracefully.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var loaded = StaticConfigLoader.Load(args, EnvironmentVariables(), Directory.GetCurrentDirectory());
        foreach (var error in loaded.Errors)
        {
            await Console.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
        }

        if (loaded.HasErrors)
        {
            await Console.Error.WriteLineAsync($"portico: the static configuration ({loaded.Source}) has errors; not starting").ConfigureAwait(false);
            return 1;
        }

        await using var whoami = loaded.IsDefault ? await WhoamiServer.StartAsync(IPAddress.Loopback, 0, "portico-demo", cancellationToken).ConfigureAwait(false) : null;
        var config = loaded.IsDefault ? DefaultConfiguration.Static : loaded.Config;
        IConfigProvider[] extra = whoami is null ? [] : [DefaultConfiguration.Provider(whoami.Url)];

        using var loggerFactory = Logging.Create(config.Log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        var server = new PorticoServer(config, loggerFactory, extraProviders: extra);
        await using (server.ConfigureAwait(false))
        {
            try
            {
                await server.StartAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Net.Sockets.SocketException or IOException)
            {
                await Console.Error.WriteLineAsync($"portico: cannot start: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            await Console.Out.WriteLineAsync($"Portico {Api.VersionInfo.Version} started with {loaded.Source}").ConfigureAwait(false);
            foreach (var (name, endPoint) in server.EntryPoints.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                await Console.Out.WriteLineAsync($"  entry point {name,-10} {endPoint}").ConfigureAwait(false);
            }

            if (loaded.IsDefault)
            {
                await Console.Out.WriteLineAsync(DefaultConfiguration.Banner).ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await Console.Out.WriteLineAsync("Portico: shutting down gracefully").ConfigureAwait(false);
            await server.StopAsync().ConfigureAwait(false);
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static Dictionary<string, string> EnvironmentVariables()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return variables;
    }
}
