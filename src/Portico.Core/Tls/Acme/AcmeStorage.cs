using System.Globalization;
using System.Text.Json;

namespace Portico.Tls.Acme;

/// <summary>The result of loading acme.json: the data, and where a corrupt file was moved, if it was.</summary>
internal sealed record AcmeStorageLoadResult(Dictionary<string, AcmeResolverData> Resolvers, string? CorruptFileMovedTo, string? Error);

/// <summary>
/// Reads and writes Traefik's acme.json. The file holds private keys, so it is created with mode 0600 (Traefik refuses
/// a more open file). A file that does not parse is renamed aside and reported, never silently overwritten, so the
/// operator can recover the keys in it.
/// </summary>
internal sealed class AcmeStorage
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public AcmeStorage(string path, TimeProvider time)
    {
        _path = path;
        _time = time;
    }

    public string Path => _path;

    public async Task<AcmeStorageLoadResult> LoadAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!File.Exists(_path))
            {
                return new AcmeStorageLoadResult(new(StringComparer.Ordinal), null, null);
            }

            var bytes = await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
            if (bytes.Length == 0)
            {
                // Traefik's documentation has users create an empty acme.json with `touch`; that is not corruption.
                return new AcmeStorageLoadResult(new(StringComparer.Ordinal), null, null);
            }

            try
            {
                var data = JsonSerializer.Deserialize<Dictionary<string, AcmeResolverData>>(bytes, Options)
                    ?? throw new JsonException("The file holds JSON null.");
                return new AcmeStorageLoadResult(new(data, StringComparer.Ordinal), null, null);
            }
            catch (JsonException ex)
            {
                var aside = _path + ".corrupt-" + _time.GetUtcNow().ToString("yyyyMMddTHHmmssfffZ", CultureInfo.InvariantCulture);
                File.Move(_path, aside);
                return new AcmeStorageLoadResult(new(StringComparer.Ordinal), aside, $"{_path} is not valid acme.json ({ex.Message}); moved to {aside}.");
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Writes the whole file through a 0600 temporary file renamed over the old one, so a crash never leaves half a file.</summary>
    public async Task SaveAsync(Dictionary<string, AcmeResolverData> resolvers, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!;
            Directory.CreateDirectory(directory);
            var temporary = _path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(stream, resolvers, Options, cancellationToken).ConfigureAwait(false);
            }

            if (!OperatingSystem.IsWindows())
            {
                // UnixCreateMode only applies when the file is new; a leftover temporary file keeps its old mode.
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, _path, overwrite: true);
        }
        finally
        {
            _lock.Release();
        }
    }
}
