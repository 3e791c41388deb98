using System.Text;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class Http2SchemeStreamTests
{
    private const byte Headers = 0x1;
    private const byte Data = 0x0;
    private const byte Settings = 0x4;

    private static readonly byte[] Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    [Theory]
    [InlineData("indexed GET", new byte[] { 0x82 }, 0, true)]
    [InlineData("indexed POST", new byte[] { 0x83 }, 0, true)]
    [InlineData("literal PUT without indexing", new byte[] { 0x02, 0x03, (byte)'P', (byte)'U', (byte)'T' }, 0, true)]
    [InlineData("literal method with incremental indexing", new byte[] { 0x42, 0x06, (byte)'D', (byte)'E', (byte)'L', (byte)'E', (byte)'T', (byte)'E' }, 0, true)]
    [InlineData("padded and prioritized frame", new byte[] { 0x82 }, 0x28, true)]
    [InlineData("literal name: left alone", new byte[] { 0x00, 0x01, (byte)'x', 0x01, (byte)'y' }, 0, false)]
    public void SchemeHttpBecomesHttpsWhateverTheWriteBoundaries(string scenario, byte[] method, byte flags, bool rewritten)
    {
        _ = scenario;
        var original = Connection(method, flags);
        var expected = (byte[])original.Clone();
        if (rewritten)
        {
            expected[SchemeOffset(method, flags)] = 0x87;
        }

        // Every split of the bytes into two writes gives the same result, as does one write per byte.
        for (var split = 0; split <= original.Length; split++)
        {
            Assert.Equal(expected, Write(original, split));
        }

        Assert.Equal(expected, WriteBytewise(original));
    }

    [Fact]
    public void LongMethodLengthUsesHpackIntegerContinuation()
    {
        var name = new string('M', 200);
        var method = new byte[] { 0x02, 0x7F, 200 - 127 }.Concat(Encoding.ASCII.GetBytes(name)).ToArray();
        var original = Connection(method, 0);
        var expected = (byte[])original.Clone();
        expected[SchemeOffset(method, 0)] = 0x87;

        Assert.Equal(expected, Write(original, original.Length / 2));
    }

    private static int SchemeOffset(byte[] method, byte flags) =>
        Preface.Length + 9 + 6 + 9 + 4 + 9 + ((flags & 0x8) != 0 ? 1 : 0) + ((flags & 0x20) != 0 ? 5 : 0) + method.Length;

    /// <summary>Preface, SETTINGS, a DATA frame full of 0x86 bytes, then HEADERS (method, :scheme http, :path /).</summary>
    private static byte[] Connection(byte[] method, byte flags)
    {
        var bytes = new List<byte>(Preface);
        Frame(bytes, Settings, 0, [0, 3, 0, 0, 0, 100]);
        Frame(bytes, Data, 0, [0x86, 0x86, 0x86, 0x86]);
        var block = new List<byte>();
        if ((flags & 0x8) != 0)
        {
            block.Add(2);
        }

        if ((flags & 0x20) != 0)
        {
            block.AddRange([0, 0, 0, 0, 16]);
        }

        block.AddRange(method);
        block.Add(0x86);
        block.Add(0x84);
        if ((flags & 0x8) != 0)
        {
            block.AddRange([0, 0]);
        }

        Frame(bytes, Headers, (byte)(flags | 0x4), [.. block]);
        Frame(bytes, Data, 0x1, [0x86]);
        return [.. bytes];
    }

    private static void Frame(List<byte> bytes, byte type, byte flags, byte[] payload)
    {
        bytes.AddRange([(byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, type, flags, 0, 0, 0, 1]);
        bytes.AddRange(payload);
    }

    private static byte[] Write(byte[] data, int split)
    {
        using var sink = new MemoryStream();
        using var stream = new Http2SchemeStream(sink);
        var input = (byte[])data.Clone();
        stream.Write(input, 0, split);
        stream.WriteAsync(input.AsMemory(split)).AsTask().GetAwaiter().GetResult();

        // The caller's buffer is never modified.
        Assert.Equal(data, input);
        return sink.ToArray();
    }

    private static byte[] WriteBytewise(byte[] data)
    {
        using var sink = new MemoryStream();
        using var stream = new Http2SchemeStream(sink);
        foreach (var b in data)
        {
            stream.Write([b]);
        }

        return sink.ToArray();
    }
}
