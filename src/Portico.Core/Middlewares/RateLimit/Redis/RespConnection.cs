using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace Portico.Middlewares.RateLimit.Redis;

/// <summary>
/// One RESP2 connection: a command is written as an array of bulk strings and exactly one reply is read back. Not safe
/// for concurrent use; <see cref="RedisConnectionPool"/> hands each connection to one caller at a time. Any I/O failure
/// or timeout leaves the stream out of step with its replies, so the caller must dispose the connection then.
/// </summary>
internal sealed class RespConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly RedisSettings _settings;
    private readonly ArrayBufferWriter<byte> _output = new(256);
    private readonly byte[] _input = new byte[4096];
    private int _start;
    private int _end;

    private RespConnection(TcpClient client, RedisSettings settings)
    {
        _client = client;
        _client.NoDelay = true;
        _stream = client.GetStream();
        _settings = settings;
    }

    /// <summary>Connects, authenticates and selects the database.</summary>
    public static async Task<RespConnection> ConnectAsync(RedisSettings settings, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        try
        {
            using (var dial = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                dial.CancelAfter(settings.DialTimeout);
                await client.ConnectAsync(settings.Host, settings.Port, dial.Token);
            }

            var connection = new RespConnection(client, settings);
            if (settings.Password is not null)
            {
                string[] auth = settings.Username is null ? ["AUTH", settings.Password] : ["AUTH", settings.Username, settings.Password];
                await connection.ExpectOkAsync(auth, cancellationToken);
            }

            if (settings.Db != 0)
            {
                await connection.ExpectOkAsync(["SELECT", settings.Db.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);
            }

            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply.</summary>
    public async Task<RespReply> ExecuteAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        _output.ResetWrittenCount();
        WriteCommand(_output, arguments);
        using (var write = Deadline(_settings.WriteTimeout, cancellationToken))
        {
            await _stream.WriteAsync(_output.WrittenMemory, write.Token);
        }

        using var read = Deadline(_settings.ReadTimeout, cancellationToken);
        return await ReadReplyAsync(read.Token);
    }

    public void Dispose() => _client.Dispose();

    internal static void WriteCommand(IBufferWriter<byte> output, IReadOnlyList<string> arguments)
    {
        WriteHeader(output, (byte)'*', arguments.Count);
        foreach (var argument in arguments)
        {
            var length = Encoding.UTF8.GetByteCount(argument);
            WriteHeader(output, (byte)'$', length);
            var span = output.GetSpan(length + 2);
            Encoding.UTF8.GetBytes(argument, span);
            span[length] = (byte)'\r';
            span[length + 1] = (byte)'\n';
            output.Advance(length + 2);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte prefix, int value)
    {
        var span = output.GetSpan(16);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        output.Advance(3 + written);
    }

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            source.CancelAfter(timeout);
        }

        return source;
    }

    private async Task ExpectOkAsync(string[] command, CancellationToken cancellationToken)
    {
        var reply = await ExecuteAsync(command, cancellationToken);
        if (reply.IsError)
        {
            throw new RedisException($"{command[0]} failed: {reply.Text}");
        }
    }

    private async Task<RespReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        var body = line.AsSpan(1);
        switch (line[0])
        {
            case '+':
                return new RespReply(RespKind.SimpleString, line[1..]);
            case '-':
                return new RespReply(RespKind.Error, line[1..]);
            case ':':
                return new RespReply(RespKind.Integer, Integer: ParseLength(body, line));
            case '$':
                var length = ParseLength(body, line);
                if (length < 0)
                {
                    return RespReply.Null;
                }

                var bytes = await ReadExactAsync((int)length + 2, cancellationToken);
                return new RespReply(RespKind.BulkString, Encoding.UTF8.GetString(bytes, 0, (int)length));
            case '*':
                var count = ParseLength(body, line);
                if (count < 0)
                {
                    return RespReply.Null;
                }

                var items = new RespReply[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadReplyAsync(cancellationToken);
                }

                return new RespReply(RespKind.Array, Items: items);
            default:
                throw new RedisException($"unexpected reply from Redis: \"{line}\"");
        }
    }

    private static long ParseLength(ReadOnlySpan<char> text, string line) =>
        long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RedisException($"malformed reply from Redis: \"{line}\"");

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _input.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline > 0)
            {
                var line = Encoding.UTF8.GetString(_input, _start, newline);
                _start += newline + 2;
                return line;
            }

            if (newline == 0)
            {
                throw new RedisException("empty line in a Redis reply");
            }

            await FillAsync(cancellationToken);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var take = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_input, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_input, _start, _input, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _input.Length)
        {
            throw new RedisException("a Redis reply line is longer than 4 KiB");
        }

        var read = await _stream.ReadAsync(_input.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            throw new RedisException("Redis closed the connection");
        }

        _end += read;
    }
}
