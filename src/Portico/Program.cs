using System.CommandLine;
using System.Net;
using Portico.Cli.Whoami;

namespace Portico.Cli;

/// <summary>
/// <c>portico</c>: runs the router (Traefik-style static configuration from a file, flags or environment), and the
/// <c>version</c>, <c>check</c> and <c>whoami</c> sub-commands.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Portico: a cloud-native edge router that reads Traefik v3 configuration.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var configFile = new Option<string?>("--configFile", "--configfile") { Description = "Static configuration file (YAML)." };
        root.Add(configFile);
        root.SetAction((_, cancellationToken) => RunCommand.RunAsync(args, cancellationToken));

        var version = new Command("version", "Print the version.");
        version.SetAction(_ =>
        {
            Console.WriteLine($"Version:      {Api.VersionInfo.Version}");
            Console.WriteLine($"Codename:     {Api.VersionInfo.Codename}");
            Console.WriteLine($"Go version:   none (.NET {Environment.Version})");
            Console.WriteLine($"OS/Arch:      {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}");
            return 0;
        });
        root.Add(version);

        var check = new Command("check", "Load the static and dynamic configuration, print every error with its file and line, and report routers that can never match.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var checkConfig = new Option<string?>("--configFile", "--configfile") { Description = "Static configuration file (YAML)." };
        var dynamic = new Option<string?>("--dynamic") { Description = "Dynamic configuration file or directory (defaults to providers.file of the static configuration)." };
        check.Add(checkConfig);
        check.Add(dynamic);
        check.SetAction(result => CheckCommand.Run(args.Skip(1).ToArray(), result.GetValue(dynamic), Console.Out));
        root.Add(check);

        var whoami = new Command("whoami", "Run a small echo backend like traefik/whoami (/, /api, /health, /bench, /data, /echo).");
        var port = new Option<int>("--port") { Description = "Port to listen on.", DefaultValueFactory = _ => 80 };
        var address = new Option<string>("--address") { Description = "Address to listen on.", DefaultValueFactory = _ => "0.0.0.0" };
        var name = new Option<string?>("--name") { Description = "Name printed in every answer." };
        whoami.Add(port);
        whoami.Add(address);
        whoami.Add(name);
        whoami.SetAction(async (result, cancellationToken) =>
        {
            await WhoamiServer.RunAsync(IPAddress.Parse(result.GetValue(address)!), result.GetValue(port), result.GetValue(name), Console.Out, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        root.Add(whoami);

        // Shutdown is graceful and bounded by the entry points' graceTimeOut, so the parser must not kill the process first.
        return root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
