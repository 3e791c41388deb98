using System.Buffers;
using System.Diagnostics;
using System.Net.Security;
using System.Text;
using Portico.Tcp;

namespace Portico.Tests.Tcp;

public sealed class ClientHelloParserTests
{
    public static TheoryData<string, string?, string[]> RealClients => new()
    {
        { "sni and two protocols", "app.example.com", ["h2", "http/1.1"] },
        { "sni only", "db.internal", [] },
        { "no sni", null, ["postgresql"] },
    };

    [Theory]
    [MemberData(nameof(RealClients))]
    public async Task ReadsWhatSslStreamSendsAsync(string name, string? serverName, string[] protocols)
    {
        var hello = await CaptureSslStreamHelloAsync(serverName, protocols);

        var status = ClientHelloParser.TryParse(new ReadOnlySequence<byte>(hello), out var info, out var error);

        Assert.True(status == ClientHelloStatus.Complete, $"{name}: {status} {error}");
        Assert.Equal(serverName, info!.ServerName);
        Assert.Equal(protocols, info.ApplicationProtocols);
    }

    [Fact]
    public async Task ReadsWhatOpensslSendsAsync()
    {
        var hello = await CaptureOpensslHelloAsync("Mixed.Example.ORG", "acme-tls/1,h2");

        var status = ClientHelloParser.TryParse(new ReadOnlySequence<byte>(hello), out var info, out var error);

        Assert.True(status == ClientHelloStatus.Complete, $"{status} {error}");
        Assert.Equal("Mixed.Example.ORG", info!.ServerName);
        Assert.Equal(["acme-tls/1", "h2"], info.ApplicationProtocols);
    }

    [Fact]
    public async Task EveryPrefixIsIncompleteAsync()
    {
        var hello = await CaptureSslStreamHelloAsync("prefix.example", ["h2"]);

        for (var length = 1; length < hello.Length; length++)
        {
            Assert.Equal(ClientHelloStatus.Incomplete, ClientHelloParser.TryParse(new ReadOnlySequence<byte>(hello, 0, length), out _, out _));
        }
    }

    [Fact]
    public async Task AHelloSplitAcrossRecordsAndSegmentsIsReassembledAsync()
    {
        var hello = await CaptureSslStreamHelloAsync("split.example", ["http/1.1"]);
        var handshake = hello.AsSpan(5).ToArray();
        var split = handshake.Length / 3;
        var records = Record(handshake[..split]).Concat(Record(handshake[split..])).ToArray();

        var status = ClientHelloParser.TryParse(Segmented(records, 7), out var info, out var error);

        Assert.True(status == ClientHelloStatus.Complete, $"{status} {error}");
        Assert.Equal("split.example", info!.ServerName);
    }

    public static TheoryData<string, byte[]> NotTls => new()
    {
        { "HTTP/1.1", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n") },
        { "HTTP/2 preface", Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n") },
        { "PROXY header", Encoding.ASCII.GetBytes("PROXY TCP4 ") },
        { "binary", [0x00, 0x01, 0x02] },
    };

    [Theory]
    [MemberData(nameof(NotTls))]
    public void OtherProtocolsAreNotTls(string name, byte[] data)
    {
        Assert.True(ClientHelloParser.TryParse(new ReadOnlySequence<byte>(data), out _, out _) == ClientHelloStatus.NotTls, name);
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "record version", [0x16, 0x07, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00], "record version" },
        { "zero-length record", [0x16, 0x03, 0x01, 0x00, 0x00], "record length" },
        { "oversized record", [0x16, 0x03, 0x01, 0x48, 0x01], "record length" },
        { "server hello first", [0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00], "not ClientHello" },
        { "huge handshake", [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x7f, 0xff, 0xff], "limit" },
        { "alert after a partial hello", [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x10, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28], "non-handshake" },
        { "empty body", [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00], "truncated" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedHellosSayWhy(string name, byte[] data, string expected)
    {
        var status = ClientHelloParser.TryParse(new ReadOnlySequence<byte>(data), out _, out var error);

        Assert.True(status == ClientHelloStatus.Invalid, $"{name}: {status}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptedLengthsInsideAHelloAreInvalidNotCrashesAsync()
    {
        var hello = await CaptureSslStreamHelloAsync("fuzz.example", ["h2", "http/1.1"]);
        var random = new Random(4);

        // Every byte of the handshake body flipped in turn: the parser answers Complete or Invalid, never throws.
        for (var i = 9; i < hello.Length; i++)
        {
            var copy = (byte[])hello.Clone();
            copy[i] ^= (byte)random.Next(1, 256);
            var status = ClientHelloParser.TryParse(new ReadOnlySequence<byte>(copy), out _, out _);
            Assert.True(status is ClientHelloStatus.Complete or ClientHelloStatus.Invalid or ClientHelloStatus.Incomplete, $"byte {i}");
        }
    }

    private static byte[] Record(byte[] fragment) =>
        [0x16, 0x03, 0x01, (byte)(fragment.Length >> 8), (byte)fragment.Length, .. fragment];

    private static ReadOnlySequence<byte> Segmented(byte[] data, int size)
    {
        Segment? first = null, last = null;
        for (var offset = 0; offset < data.Length; offset += size)
        {
            var memory = data.AsMemory(offset, Math.Min(size, data.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>The bytes a real SslStream client sends first, captured by a stream that never answers.</summary>
    private static async Task<byte[]> CaptureSslStreamHelloAsync(string? serverName, string[] protocols)
    {
        var capture = new CaptureStream();
        await using var ssl = new SslStream(capture);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? string.Empty,
            ApplicationProtocols = protocols.Length == 0 ? null : [.. protocols.Select(p => new SslApplicationProtocol(p))],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        using var cancel = new CancellationTokenSource();
        var handshake = ssl.AuthenticateAsClientAsync(options, cancel.Token);
        var hello = await capture.FirstWrite.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return hello;
    }

    /// <summary>The ClientHello of openssl s_client, read by a one-shot TCP listener on loopback.</summary>
    private static async Task<byte[]> CaptureOpensslHelloAsync(string serverName, string alpn)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var start = new ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", serverName, "-alpn", alpn])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var openssl = Process.Start(start)!;
        try
        {
            using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            var received = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(received)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.True(read > 0, "openssl closed before sending a whole ClientHello");
                received += read;
                if (ClientHelloParser.TryParse(new ReadOnlySequence<byte>(buffer, 0, received), out _, out _) != ClientHelloStatus.Incomplete)
                {
                    return buffer[..received];
                }
            }
        }
        finally
        {
            openssl.Kill();
            await openssl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private sealed class CaptureStream : Stream
    {
        private readonly TaskCompletionSource<byte[]> _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<byte[]> FirstWrite => _firstWrite.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => _firstWrite.TrySetResult(buffer[offset..(offset + count)]);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _firstWrite.TrySetResult(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
