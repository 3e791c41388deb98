using Microsoft.Extensions.Logging;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;

namespace Portico.Providers.File;

/// <summary>
/// Traefik's file provider: one YAML file (<c>filename</c>) or every <c>.yml</c>/<c>.yaml</c> file of a directory tree
/// (<c>directory</c>), reloaded when anything changes there if <c>watch</c> is on. A file that does not parse keeps the
/// provider's last good configuration and logs where the file is broken.
/// </summary>
internal sealed partial class FileProvider : IConfigProvider
{
    private readonly FileProviderConfig _config;
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(50);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private ProviderSnapshot? _lastGood;

    public FileProvider(FileProviderConfig config, TimeProvider time, ILogger logger)
    {
        _config = config;
        _time = time;
        _logger = logger;
    }

    public string Name => "file";

    public async Task RunAsync(Action<ProviderSnapshot> publish, CancellationToken cancellationToken)
    {
        var changes = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1)
        {
            FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite,
        });
        using var watcher = _config.Watch ? CreateWatcher(() => changes.Writer.TryWrite(true)) : null;

        PublishCurrent(publish);
        if (watcher is null)
        {
            return;
        }

        try
        {
            while (await changes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Wait for the burst of events one save produces to settle, so a file caught between its truncation and
                // its rewrite is not read as an empty configuration.
                do
                {
                    changes.Reader.TryRead(out _);
                    await Task.Delay(QuietPeriod, _time, cancellationToken).ConfigureAwait(false);
                }
                while (changes.Reader.TryPeek(out _));

                PublishCurrent(publish);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads the configured file or directory now: the result, or null when a file does not parse.</summary>
    public ProviderSnapshot? Load() => Load(out _);

    /// <summary>Reads the configured file or directory now; <paramref name="errors"/> says why when the result is null.</summary>
    public ProviderSnapshot? Load(out IReadOnlyList<ConfigError> errors)
    {
        var found = new List<ConfigError>();
        errors = found;
        return Load(found);
    }

    private ProviderSnapshot? Load(List<ConfigError> errors)
    {
        var parts = new List<(string Source, DynamicConfig Config)>();
        foreach (var path in EnumerateFiles(errors))
        {
            string text;
            try
            {
                text = System.IO.File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                errors.Add(new ConfigError("file", $"cannot read: {ex.Message}", new SourceLocation(path, 0, 0)));
                return null;
            }
            catch (UnauthorizedAccessException ex)
            {
                errors.Add(new ConfigError("file", $"cannot read: {ex.Message}", new SourceLocation(path, 0, 0)));
                return null;
            }

            var config = DynamicConfigLoader.Load(text, path, errors);
            if (config is null)
            {
                return null;
            }

            parts.Add((path, config));
        }

        var merged = parts.Count == 1 ? parts[0].Config : DynamicConfigLoader.Merge(parts, errors);
        return new ProviderSnapshot(Name, merged, errors);
    }

    private void PublishCurrent(Action<ProviderSnapshot> publish)
    {
        var snapshot = Load(out var errors);
        if (snapshot is null)
        {
            foreach (var error in errors)
            {
                LogFileError(_logger, error.ToString());
            }

            if (_lastGood is null)
            {
                // Nothing ever loaded: publish an empty configuration so the rest of the router still starts.
                publish(new ProviderSnapshot(Name, new DynamicConfig(), []));
            }

            LogKeepingLastGood(_logger);
            return;
        }

        // Item errors are reported by the build that uses them, with the item they disable.
        _lastGood = snapshot;
        publish(snapshot);
    }

    private IEnumerable<string> EnumerateFiles(List<ConfigError> errors)
    {
        if (!string.IsNullOrEmpty(_config.Filename))
        {
            if (!System.IO.File.Exists(_config.Filename))
            {
                errors.Add(new ConfigError("providers.file.filename", "file does not exist", new SourceLocation(_config.Filename, 0, 0)));
                yield break;
            }

            yield return _config.Filename;
            yield break;
        }

        if (string.IsNullOrEmpty(_config.Directory))
        {
            yield break;
        }

        if (!System.IO.Directory.Exists(_config.Directory))
        {
            errors.Add(new ConfigError("providers.file.directory", "directory does not exist", new SourceLocation(_config.Directory, 0, 0)));
            yield break;
        }

        var files = System.IO.Directory.EnumerateFiles(_config.Directory, "*", SearchOption.AllDirectories)
            .Where(IsConfigFile)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
        {
            yield return file;
        }
    }

    private static bool IsConfigFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith('.'))
        {
            // Editors' swap and backup files.
            return false;
        }

        var extension = Path.GetExtension(path);
        return extension.Equals(".yml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase);
    }

    private FileSystemWatcher? CreateWatcher(Action changed)
    {
        string directory;
        string filter;
        if (!string.IsNullOrEmpty(_config.Filename))
        {
            // Watch the parent folder: editors and Kubernetes ConfigMaps replace files by renaming.
            directory = Path.GetDirectoryName(Path.GetFullPath(_config.Filename))!;
            filter = Path.GetFileName(_config.Filename);
        }
        else if (!string.IsNullOrEmpty(_config.Directory) && System.IO.Directory.Exists(_config.Directory))
        {
            directory = _config.Directory;
            filter = "*";
        }
        else
        {
            return null;
        }

        var watcher = new FileSystemWatcher(directory, filter)
        {
            IncludeSubdirectories = string.IsNullOrEmpty(_config.Filename),
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
        };
        watcher.Changed += (_, _) => changed();
        watcher.Created += (_, _) => changed();
        watcher.Deleted += (_, _) => changed();
        watcher.Renamed += (_, _) => changed();
        watcher.Error += (_, e) =>
        {
            LogWatchError(_logger, e.GetException());
            changed();
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "File provider: {Error}")]
    private static partial void LogFileError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "File provider: keeping the last good configuration until the files parse again")]
    private static partial void LogKeepingLastGood(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "File provider: watching failed")]
    private static partial void LogWatchError(ILogger logger, Exception exception);
}
