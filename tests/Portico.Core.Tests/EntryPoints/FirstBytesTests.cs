using System.Buffers;
using System.Text;
using Portico.EntryPoints;

namespace Portico.Tests.EntryPoints;

public sealed class FirstBytesTests
{
    public static TheoryData<string, byte[], bool, string> Rows => new()
    {
        { "nothing yet: read more", [], true, "more" },
        { "TLS handshake record", [0x16, 0x03, 0x01], true, "Tls" },
        { "0x16 on a cleartext-only endpoint is not TLS", [0x16, 0x03, 0x01], false, "Http1" },
        { "HTTP/1.1 request line", Ascii("GET / HTTP/1.1\r\n"), true, "Http1" },
        { "one byte of the preface: read more", Ascii("P"), true, "more" },
        { "most of the preface: read more", Ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n"), true, "more" },
        { "the whole preface", Ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), true, "H2cPreface" },
        { "the preface followed by frames", Ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04"), true, "H2cPreface" },
        { "diverges from the preface", Ascii("PRX"), true, "Http1" },
        { "a method that starts like the preface", Ascii("PRIORITY / HTTP/1.1\r\n"), true, "Http1" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void ClassifiesTheFirstBytes(string row, byte[] bytes, bool sniffTls, string expected)
    {
        var kind = FirstBytes.Classify(new ReadOnlySequence<byte>(bytes), sniffTls);
        Assert.True(expected == (kind?.ToString() ?? "more"), $"{row}: {kind}");
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
