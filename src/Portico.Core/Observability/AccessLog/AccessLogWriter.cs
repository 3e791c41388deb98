using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Portico.Observability.AccessLog;

/// <summary>
/// Writes access log lines off the request path: requests put entries in a bounded channel (never waiting; when it is
/// full the entry is dropped and counted) and one task formats and writes them. Lines are written in batches: when
/// <c>bufferingSize</c> lines are pending, or as soon as no more entries are waiting, so an idle router never holds
/// lines back. The file is opened for appending (created with mode 0640) and reopened on request, for logrotate.
/// </summary>
internal sealed partial class AccessLogWriter : IAsyncDisposable
{
    /// <summary>Entries that may wait for the writer before new ones are dropped.</summary>
    internal const int MinimumCapacity = 8192;

    private readonly Channel<AccessLogEntry> _channel;
    private readonly AccessLogFormatter _formatter;
    private readonly string? _filePath;
    private readonly int _batchLines;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Task _loop;
    private Stream? _output;
    private int _reopenRequested;
    private long _dropped;
    private long _written;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AccessLogWriter(AccessLogOptions options, TimeZoneInfo localZone, ILogger logger, Stream? stdout = null)
    {
        _formatter = new AccessLogFormatter(options, localZone);
        _filePath = options.FilePath;
        _batchLines = Math.Max(1, options.BufferingSize);
        _logger = logger;
        _channel = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(Math.Max(MinimumCapacity, options.BufferingSize))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _output = _filePath is null ? stdout ?? Console.OpenStandardOutput() : Open(_filePath);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Entries dropped because the writer fell behind or the output failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines written to the output so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Queues an entry without ever waiting; false (and counted) when the queue is full.</summary>
    public bool TryEnqueue(AccessLogEntry entry)
    {
        if (_channel.Writer.TryWrite(entry))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>
    /// Closes and reopens the file (what SIGUSR1 asks for, after logrotate renamed it). Lines queued before the call go
    /// to the old file, later ones to the new.
    /// </summary>
    public void RequestReopen()
    {
        Volatile.Write(ref _reopenRequested, 1);
        _channel.Writer.TryWrite(AccessLogEntry.ReopenMarker);
    }

    /// <summary>Completes when at least <paramref name="lines"/> lines have been written (for tests and shutdown checks).</summary>
    public async Task WaitForWrittenAsync(long lines)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Written >= lines || _loop.IsCompleted)
            {
                return;
            }

            await progress.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Writes everything queued, then closes the output.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        if (_filePath is not null)
        {
            _output?.Dispose();
        }
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // 1. Take everything waiting; write every bufferingSize lines, and once more when the queue runs dry.
            var pending = 0;
            while (reader.TryRead(out var entry))
            {
                if (Volatile.Read(ref _reopenRequested) != 0)
                {
                    Flush(ref pending);
                    Reopen();
                }

                if (ReferenceEquals(entry, AccessLogEntry.ReopenMarker))
                {
                    continue;
                }

                _formatter.Write(entry, _buffer);
                if (++pending >= _batchLines)
                {
                    Flush(ref pending);
                }
            }

            Flush(ref pending);

            // 2. Wake whoever waits for progress.
            Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        _progress.TrySetResult();
    }

    private void Flush(ref int pending)
    {
        if (pending == 0)
        {
            return;
        }

        try
        {
            if (_output is null)
            {
                throw new IOException("the access log file is not open");
            }

            _output.Write(_buffer.WrittenSpan);
            _output.Flush();
            Interlocked.Add(ref _written, pending);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Interlocked.Add(ref _dropped, pending);
            LogWriteFailed(_logger, _filePath ?? "stdout", ex);
        }

        _buffer.ResetWrittenCount();
        pending = 0;
    }

    private void Reopen()
    {
        Volatile.Write(ref _reopenRequested, 0);
        if (_filePath is null)
        {
            return;
        }

        _output?.Dispose();
        _output = null;
        try
        {
            _output = Open(_filePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_logger, _filePath, ex);
        }
    }

    /// <summary>Opens for appending, creating the file (and its directory) as Traefik does, readable by the owner's group only.</summary>
    internal static FileStream Open(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        return new FileStream(path, options);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Access log: writing to {Output} failed; the lines are dropped")]
    private static partial void LogWriteFailed(ILogger logger, string output, Exception exception);
}
