namespace Portico.Middlewares.Buffering;

/// <summary>
/// Bytes kept in memory up to a threshold, then in a temporary file deleted when the buffer is disposed (oxy's
/// multibuf, as Traefik uses it). Tracks the total so callers can enforce a maximum while writing.
/// </summary>
internal sealed class SpillBuffer(long memoryBytes) : IAsyncDisposable
{
    private MemoryStream? _memory = new();
    private FileStream? _file;

    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_file is null && Length + data.Length > memoryBytes)
        {
            // Past the memory threshold: move what is held to a temporary file and continue there.
            _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await _file.WriteAsync(_memory!.GetBuffer().AsMemory(0, (int)_memory.Length), cancellationToken).ConfigureAwait(false);
            _memory = null;
        }

        if (_file is not null)
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _memory!.Write(data.Span);
        }

        Length += data.Length;
    }

    public bool IsOnDisk => _file is not null;

    /// <summary>A stream over the whole content from its start; each call rewinds (one reader at a time).</summary>
    public Stream OpenRead()
    {
        if (_file is not null)
        {
            _file.Position = 0;
            return new WindowStream(_file, Length);
        }

        return new MemoryStream(_memory!.GetBuffer(), 0, (int)_memory.Length, writable: false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads the file without ever closing it, so the body can be replayed on a retry.</summary>
    private sealed class WindowStream(FileStream file, long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => file.Position; set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => file.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => file.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
