using Portico.Configuration.Dynamic;

namespace Portico.Providers;

/// <summary>A provider whose configuration is fixed: the built-in default demo, and tests.</summary>
internal sealed class StaticProvider : IConfigProvider
{
    private readonly DynamicConfig _config;

    public StaticProvider(string name, DynamicConfig config)
    {
        Name = name;
        _config = config;
    }

    public string Name { get; }

    public Task RunAsync(Action<ProviderSnapshot> publish, CancellationToken cancellationToken)
    {
        publish(new ProviderSnapshot(Name, _config, []));
        return Task.CompletedTask;
    }
}
