using Portico.Configuration.Dynamic;

namespace Portico.Tls;

/// <summary>
/// The files a <c>tls</c> section reads: certificate and key files, the default store's certificate and the client
/// CAs of every option set. Inline PEM values are not files. Paths are absolute, so a watcher can find them.
/// </summary>
internal static class TlsFiles
{
    public static IReadOnlyList<string> From(TlsConfig? config)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var certificate in config?.Certificates ?? [])
        {
            Add(files, certificate.CertFile);
            Add(files, certificate.KeyFile);
        }

        foreach (var store in config?.Stores?.Values ?? [])
        {
            Add(files, store.DefaultCertificate?.CertFile);
            Add(files, store.DefaultCertificate?.KeyFile);
        }

        foreach (var options in config?.Options?.Values ?? [])
        {
            foreach (var ca in options.ClientAuth?.CaFiles ?? [])
            {
                Add(files, ca);
            }
        }

        return [.. files];
    }

    private static void Add(SortedSet<string> files, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !value.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            files.Add(Path.GetFullPath(value));
        }
    }
}
