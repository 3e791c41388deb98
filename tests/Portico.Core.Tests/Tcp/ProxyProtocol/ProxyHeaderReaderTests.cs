using System.Buffers;
using System.Net;
using System.Text;
using Portico.Tcp.ProxyProtocol;

namespace Portico.Tests.Tcp.ProxyProtocol;

public sealed class ProxyHeaderReaderTests
{
    public static TheoryData<string, string, string?, string?> V1Lines => new()
    {
        { "tcp4", "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n", "192.0.2.10:56324", "198.51.100.1:443" },
        { "tcp6", "PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n", "[2001:db8::1]:1", "[2001:db8::2]:65535" },
        { "unknown", "PROXY UNKNOWN\r\n", null, null },
        { "unknown with addresses", "PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n", null, null },
    };

    [Theory]
    [MemberData(nameof(V1Lines))]
    public void ReadsV1(string name, string line, string? source, string? destination)
    {
        var data = Encoding.ASCII.GetBytes(line + "GET / HTTP/1.1\r\n");

        var status = ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(data), out var header, out var consumed, out var error);

        Assert.True(status == ProxyHeaderStatus.Complete, $"{name}: {status} {error}");
        Assert.Equal(line.Length, consumed);
        Assert.Equal(1, header!.Version);
        Assert.Equal(source, header.Source?.ToString());
        Assert.Equal(destination, header.Destination?.ToString());
    }

    public static TheoryData<string, string, string> BadV1Lines => new()
    {
        { "tcp5", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "malformed PROXY v1 line" },
        { "missing port", "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "malformed PROXY v1 line" },
        { "family mismatch", "PROXY TCP4 2001:db8::1 5.6.7.8 1 2\r\n", "malformed address" },
        { "port too large", "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "malformed address or port" },
        { "leading zero port", "PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n", "malformed address or port" },
        { "signed port", "PROXY TCP4 1.2.3.4 5.6.7.8 +80 2\r\n", "malformed address or port" },
        { "double space", "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n", "malformed PROXY v1 line" },
        { "no CRLF in 107 bytes", "PROXY TCP4 " + new string('1', 120), "no CRLF" },
        { "too long", "PROXY UNKNOWN " + new string('x', 100) + "\r\n", "longer than 107" },
    };

    [Theory]
    [MemberData(nameof(BadV1Lines))]
    public void RefusesMalformedV1(string name, string line, string expected)
    {
        var status = ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(line)), out _, out _, out var error);

        Assert.True(status == ProxyHeaderStatus.Invalid, $"{name}: {status}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Absent => new()
    {
        { "http", "GET / HTTP/1.1\r\n" },
        { "tls", "\u0016\u0003\u0001" },
        { "lowercase proxy", "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n" },
        { "PROX then something else", "PROXIMA" },
    };

    [Theory]
    [MemberData(nameof(Absent))]
    public void OtherProtocolsHaveNoHeader(string name, string data)
    {
        Assert.True(ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(data)), out _, out _, out _) == ProxyHeaderStatus.Absent, name);
    }

    public static TheoryData<string, string, string> RoundTrips => new()
    {
        { "ipv4", "192.0.2.10:56324", "198.51.100.1:443" },
        { "ipv6", "[2001:db8::1]:40000", "[2001:db8::2]:8443" },
        { "mixed families become ipv6", "192.0.2.10:1234", "[2001:db8::2]:443" },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void WhatTheWriterWritesTheReaderReads(string name, string source, string destination)
    {
        var src = IPEndPoint.Parse(source);
        var dst = IPEndPoint.Parse(destination);
        foreach (var version in new[] { 1, 2 })
        {
            var bytes = ProxyHeaderWriter.Write(version, src, dst);
            var status = ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>([.. bytes, .. "payload"u8]), out var header, out var consumed, out var error);

            Assert.True(status == ProxyHeaderStatus.Complete, $"{name} v{version}: {status} {error}");
            Assert.Equal(bytes.Length, consumed);
            Assert.Equal(version, header!.Version);
            var expectSource = src.AddressFamily == dst.AddressFamily ? src : new IPEndPoint(src.Address.MapToIPv6(), src.Port);
            Assert.Equal(expectSource, header.Source);
            Assert.Equal(dst, header.Destination);
        }
    }

    [Fact]
    public void EveryPrefixOfAHeaderIsIncomplete()
    {
        foreach (var version in new[] { 1, 2 })
        {
            var bytes = ProxyHeaderWriter.Write(version, IPEndPoint.Parse("[2001:db8::1]:1"), IPEndPoint.Parse("[2001:db8::2]:2"));
            for (var length = 1; length < bytes.Length; length++)
            {
                Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(bytes, 0, length), out _, out _, out _));
            }
        }
    }

    public static TheoryData<string, byte, byte, byte[], string, string?> V2Variants => new()
    {
        { "local command skips its block", 0x20, 0x00, [1, 2, 3], "Complete", null },
        { "unix family keeps the socket addresses", 0x21, 0x31, new byte[216], "Complete", null },
        { "tlvs after ipv4 are skipped", 0x21, 0x11, [192, 0, 2, 1, 192, 0, 2, 2, 0, 1, 0, 2, 0x04, 0x00, 0x01, 0xff], "Complete", null },
        { "version 3", 0x31, 0x11, new byte[12], "Invalid", "version 3" },
        { "command 2", 0x22, 0x11, new byte[12], "Invalid", "command 2" },
        { "family 5", 0x21, 0x51, new byte[12], "Invalid", "address family 5" },
        { "short ipv6 block", 0x21, 0x21, new byte[12], "Invalid", "too short" },
    };

    [Theory]
    [MemberData(nameof(V2Variants))]
    public void ReadsV2Variants(string name, byte versionCommand, byte familyTransport, byte[] block, string expectedStatus, string? message)
    {
        var expected = Enum.Parse<ProxyHeaderStatus>(expectedStatus);
        byte[] data = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, versionCommand, familyTransport,
            (byte)(block.Length >> 8), (byte)block.Length, .. block, .. "next"u8];

        var status = ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(data), out var header, out var consumed, out var error);

        Assert.True(status == expected, $"{name}: {status} {error}");
        if (expected == ProxyHeaderStatus.Complete)
        {
            Assert.Equal(16 + block.Length, consumed);
            Assert.Equal(familyTransport == 0x11 ? "192.0.2.1:1" : null, header!.Source?.ToString());
        }
        else
        {
            Assert.Contains(message!, error, StringComparison.Ordinal);
        }
    }
}
