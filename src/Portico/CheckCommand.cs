using System.Collections;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Configuration;
using Portico.Configuration.Static;
using Portico.Forwarding;
using Portico.Providers;
using Portico.Providers.File;
using Portico.Routing.Rules;
using Portico.Runtime;

namespace Portico.Cli;

/// <summary>
/// <c>portico check</c>: loads the static configuration and the dynamic files, builds them exactly as the router would,
/// and prints every error with its file, line and item; then reports routers that can never match (shadowed by a
/// higher-priority router on the same entry points) and equal-priority routers that can match the same request.
/// Exits 1 when there are errors, 0 otherwise (findings and warnings alone do not fail).
/// </summary>
internal static class CheckCommand
{
    public static int Run(string[] args, string? dynamicPath, TextWriter output)
    {
        var staticArgs = WithoutOwnOptions(args);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        var loaded = StaticConfigLoader.Load(staticArgs, env, Directory.GetCurrentDirectory());
        var config = loaded.IsDefault ? new StaticConfig() : loaded.Config;
        output.WriteLine($"static configuration: {loaded.Source}");
        var errors = 0;
        var warnings = 0;
        foreach (var error in loaded.Errors)
        {
            Count(error);
            output.WriteLine(error.ToString());
        }

        // The dynamic configuration: --dynamic wins over providers.file.
        var fileConfig = dynamicPath is null ? config.Providers?.File
            : Directory.Exists(dynamicPath) ? new FileProviderConfig { Directory = dynamicPath, Watch = false }
            : new FileProviderConfig { Filename = dynamicPath, Watch = false };
        var providers = new List<ProviderSnapshot>();
        if (fileConfig is not null)
        {
            var provider = new FileProvider(fileConfig with { Watch = false }, TimeProvider.System, NullLogger.Instance);
            var snapshot = provider.Load(out var parseErrors);
            foreach (var error in parseErrors)
            {
                Count(error);
                output.WriteLine(error.ToString());
            }

            if (snapshot is not null)
            {
                output.WriteLine($"dynamic configuration: {dynamicPath ?? fileConfig.Filename ?? fileConfig.Directory}");
                providers.Add(snapshot);
            }
        }
        else
        {
            output.WriteLine("dynamic configuration: none (no --dynamic and no providers.file)");
        }

        // Build as the router would, without opening any socket.
        var staticConfig = Hosting.PorticoServer.WithImplicitEntryPoints(config);
        var deps = new RuntimeDependencies { Forwarder = new HttpForwarder(), DefaultTransport = staticConfig.ServersTransport ?? new ServersTransportConfig() };
        var built = new SnapshotBuilder(staticConfig, deps, InternalItems.Create(staticConfig, new RuntimeHolder(), new Lifecycle()))
            .Build(providers, RuntimeSnapshot.Empty);
        SnapshotBuilder.Release(built);
        foreach (var error in built.Status.AllErrors.Where(e => !providers.Any(p => p.Errors.Contains(e))))
        {
            Count(error);
            output.WriteLine(error.ToString());
        }

        var routers = built.Status.Routers
            .Where(r => r.Status != ItemStatus.Disabled && r.Rule is not null && r.Provider != InternalItems.Provider)
            .ToDictionary(r => r.Name);
        var syntax = string.Equals(config.Core?.DefaultRuleSyntax, "v2", StringComparison.OrdinalIgnoreCase) ? RuleSyntax.V2 : RuleSyntax.V3;
        var analyzed = routers.Values.Select(r => new AnalyzedRouter(
            r.Name,
            r.Rule!,
            r.Priority,
            // A TLS and a cleartext router on one entry point never compete for a request (see tls.md), so they are
            // compared as if on different entry points.
            r.EntryPoints.Select(e => r.TlsEntryPoints.Contains(e) ? e + " (TLS)" : e).ToArray(),
            r.RuleSyntax is null ? syntax : string.Equals(r.RuleSyntax, "v2", StringComparison.OrdinalIgnoreCase) ? RuleSyntax.V2 : RuleSyntax.V3)).ToList();
        foreach (var finding in RuleAnalysis.Analyze(analyzed))
        {
            var location = routers.TryGetValue(finding.Router, out var router) ? router.Location : default;
            var warning = new ConfigError($"router \"{finding.Router}\"", finding.Message, location, ConfigSeverity.Warning);
            Count(warning);
            output.WriteLine(warning.ToString());
        }

        output.WriteLine($"{built.Status.Routers.Count(r => r.Provider != InternalItems.Provider)} routers, {built.Status.Services.Count(s => s.Provider != InternalItems.Provider)} services, {built.Status.Middlewares.Count} middlewares: {errors} errors, {warnings} warnings");
        return errors > 0 ? 1 : 0;

        void Count(ConfigError error)
        {
            if (error.Severity == ConfigSeverity.Error)
            {
                errors++;
            }
            else
            {
                warnings++;
            }
        }
    }

    /// <summary>Removes <c>--dynamic</c> (ours, not a Traefik option) so the rest can be read as static configuration flags.</summary>
    private static string[] WithoutOwnOptions(string[] args)
    {
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--dynamic")
            {
                i++;
                continue;
            }

            if (!args[i].StartsWith("--dynamic=", StringComparison.Ordinal))
            {
                rest.Add(args[i]);
            }
        }

        return rest.ToArray();
    }
}
