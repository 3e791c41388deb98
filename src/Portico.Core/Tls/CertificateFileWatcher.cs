using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Portico.Runtime;

namespace Portico.Tls;

/// <summary>
/// Portico extension (Traefik reloads certificates only when the configuration that names them changes): watches the
/// files the live snapshot's <c>tls</c> section reads (<see cref="TlsFiles"/>) and rebuilds the configuration when one
/// of them is written, created, renamed or deleted, so a certificate renewed in place (certbot, cert-manager secrets
/// mounted as files, a <c>cp</c> over the old one) is served to new connections without touching the configuration.
/// Open connections keep the certificate they were accepted with.
/// </summary>
internal sealed partial class CertificateFileWatcher : IDisposable
{
    /// <summary>Editors and secret mounts write in bursts (truncate, write, rename): wait until the burst settles.</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(100);

    private readonly RuntimeHolder _runtime;
    private readonly Func<Task> _rebuild;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly Channel<string> _changes = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private HashSet<string> _files = new(StringComparer.Ordinal);

    public CertificateFileWatcher(RuntimeHolder runtime, Func<Task> rebuild, TimeProvider time, ILogger logger)
    {
        _runtime = runtime;
        _rebuild = rebuild;
        _time = time;
        _logger = logger;
    }

    /// <summary>The files being watched now (for tests and diagnostics).</summary>
    public IReadOnlyCollection<string> Files
    {
        get
        {
            lock (_lock)
            {
                return [.. _files];
            }
        }
    }

    public void Start()
    {
        _runtime.Swapped += OnSwapped;
        OnSwapped(_runtime.Current);
        _ = RunAsync(_stopping.Token);
    }

    private void OnSwapped(RuntimeSnapshot snapshot)
    {
        var files = snapshot.Tls.Files;
        lock (_lock)
        {
            if (_files.SetEquals(files))
            {
                return;
            }

            _files = new HashSet<string>(files, StringComparer.Ordinal);
            var directories = new HashSet<string>(files.Select(f => Path.GetDirectoryName(f)!), StringComparer.Ordinal);
            foreach (var directory in _watchers.Keys.Where(d => !directories.Contains(d)).ToList())
            {
                _watchers[directory].Dispose();
                _watchers.Remove(directory);
            }

            foreach (var directory in directories.Where(d => !_watchers.ContainsKey(d)))
            {
                if (Watch(directory) is { } watcher)
                {
                    _watchers[directory] = watcher;
                }
            }
        }
    }

    private FileSystemWatcher? Watch(string directory)
    {
        if (!Directory.Exists(directory))
        {
            // The missing file is already reported by the build; there is nothing to watch until the folder exists.
            return null;
        }

        // The whole folder is watched, not each file: renames into place (Kubernetes' ..data symlink swap, editors'
        // save-by-rename) only show as events on other names of the same folder.
        var watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
        };
        FileSystemEventHandler changed = (_, e) => OnChanged(e.FullPath);
        watcher.Changed += changed;
        watcher.Created += changed;
        watcher.Deleted += changed;
        watcher.Renamed += (_, e) => OnChanged(e.FullPath);
        watcher.Error += (_, e) => LogWatchError(_logger, directory, e.GetException());
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void OnChanged(string path)
    {
        bool relevant;
        lock (_lock)
        {
            // A symlinked secret volume changes "..data", not the file's own name: any change in a watched folder of a
            // symlinked file counts; otherwise only the files themselves.
            relevant = _files.Contains(path) || _files.Any(f => Path.GetDirectoryName(f) == Path.GetDirectoryName(path) && new FileInfo(f).LinkTarget is not null);
        }

        if (relevant)
        {
            _changes.Writer.TryWrite(path);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _changes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string? path;
                do
                {
                    _changes.Reader.TryRead(out path);
                    await Task.Delay(QuietPeriod, _time, cancellationToken).ConfigureAwait(false);
                }
                while (_changes.Reader.TryPeek(out _));

                LogReloading(_logger, path ?? "?");
                await _rebuild().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _runtime.Swapped -= OnSwapped;
        _stopping.Cancel();
        lock (_lock)
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS: {Path} changed; reloading the certificates")]
    private static partial void LogReloading(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS: watching {Directory} for certificate changes failed")]
    private static partial void LogWatchError(ILogger logger, string directory, Exception exception);
}
