using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portico.EntryPoints;

/// <summary>
/// Assembles one Kestrel server the way ASP.NET does (<see cref="WebHostBuilderKestrelExtensions.UseKestrelCore"/>: socket
/// transport, memory pool, options setup, metrics) into a bare service container, without a web host. A
/// <c>WebApplication</c> per entry point cost a host, the configuration sources and an <c>appsettings.json</c> file
/// watcher each: idle memory and threads that Portico never used, since it runs its own <c>IHttpApplication</c>.
/// </summary>
internal static class KestrelServices
{
    /// <summary>The container owns the server: dispose it after stopping the server.</summary>
    public static ServiceProvider Build(ILoggerFactory loggerFactory, Action<KestrelServerOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddMetrics();

        // Kestrel reports to the "Microsoft.AspNetCore" diagnostic listener that the web host would have registered.
        var diagnostics = new DiagnosticListener("Microsoft.AspNetCore");
        services.AddSingleton(diagnostics);
        services.AddSingleton<DiagnosticSource>(diagnostics);
        new ServicesOnly(services).UseKestrelCore().ConfigureKestrel(configure);
        return services.BuildServiceProvider();
    }

    public static IServer Server(ServiceProvider services) => services.GetRequiredService<IServer>();

    /// <summary>
    /// Just enough of <see cref="IWebHostBuilder"/> for Kestrel's registration extensions, which only add services.
    /// </summary>
    private sealed class ServicesOnly(IServiceCollection services) : IWebHostBuilder
    {
        // IWebHostBuilder must name the obsolete IWebHost here; nothing builds one.
#pragma warning disable ASPDEPR008
        public IWebHost Build() => throw new NotSupportedException("Portico builds no web host.");
#pragma warning restore ASPDEPR008

        public IWebHostBuilder ConfigureAppConfiguration(Action<WebHostBuilderContext, IConfigurationBuilder> configureDelegate) =>
            throw new NotSupportedException("Portico's Kestrel has no configuration sources.");

        public IWebHostBuilder ConfigureServices(Action<IServiceCollection> configureServices)
        {
            configureServices(services);
            return this;
        }

        public IWebHostBuilder ConfigureServices(Action<WebHostBuilderContext, IServiceCollection> configureServices)
        {
            configureServices(new WebHostBuilderContext { Configuration = new ConfigurationManager() }, services);
            return this;
        }

        public string? GetSetting(string key) => null;

        public IWebHostBuilder UseSetting(string key, string? value) => this;
    }
}
