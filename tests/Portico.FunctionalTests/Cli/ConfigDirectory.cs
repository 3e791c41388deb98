namespace Portico.FunctionalTests.Cli;

/// <summary>A temporary directory holding a static configuration and its dynamic files, removed on dispose.</summary>
internal sealed class ConfigDirectory : IDisposable
{
    public ConfigDirectory(string staticYaml, params (string Name, string Yaml)[] dynamicFiles)
    {
        Root = Path.Combine(Path.GetTempPath(), "portico-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Dynamic = Path.Combine(Root, "dynamic");
        Directory.CreateDirectory(Dynamic);
        StaticFile = Path.Combine(Root, "portico.yml");
        File.WriteAllText(StaticFile, staticYaml.Replace("{dynamic}", Dynamic, StringComparison.Ordinal));
        foreach (var (name, yaml) in dynamicFiles)
        {
            File.WriteAllText(Path.Combine(Dynamic, name), yaml);
        }
    }

    public string Root { get; }

    public string Dynamic { get; }

    public string StaticFile { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
