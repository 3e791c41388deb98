using System.Buffers.Binary;
using System.Text;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// The DNS wire format (RFC 1035 §4) for what the propagation check needs: a one-question query, and a response's
/// header and answer records with TXT and CNAME data decoded (names may use §4.1.4 compression pointers).
/// </summary>
internal static class DnsMessage
{
    public const ushort TypeA = 1;
    public const ushort TypeCname = 5;
    public const ushort TypeTxt = 16;
    public const ushort ClassInternet = 1;
    public const int ResponseNameError = 3;

    private const int HeaderLength = 12;
    private const int MaxPointerJumps = 32;

    /// <summary>A standard query (opcode 0) for <paramref name="name"/>, recursion desired unless told otherwise.</summary>
    public static byte[] EncodeQuery(ushort id, string name, ushort type, bool recursionDesired = true)
    {
        var trimmed = name.TrimEnd('.');
        var labels = trimmed.Length == 0 ? [] : trimmed.Split('.');
        var buffer = new List<byte>(HeaderLength + trimmed.Length + 6);
        Append16(buffer, id);
        Append16(buffer, recursionDesired ? (ushort)0x0100 : (ushort)0);
        Append16(buffer, 1);
        Append16(buffer, 0);
        Append16(buffer, 0);
        Append16(buffer, 0);
        var nameLength = 1;
        foreach (var label in labels)
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            if (bytes.Length is 0 or > 63)
            {
                throw new FormatException($"\"{name}\" has an empty label or one longer than 63 characters");
            }

            nameLength += bytes.Length + 1;
            buffer.Add((byte)bytes.Length);
            buffer.AddRange(bytes);
        }

        if (nameLength > 255)
        {
            throw new FormatException($"\"{name}\" is longer than 255 bytes");
        }

        buffer.Add(0);
        Append16(buffer, type);
        Append16(buffer, ClassInternet);
        return [.. buffer];
    }

    /// <summary>Reads a response; throws <see cref="FormatException"/> when it is cut short or malformed.</summary>
    public static DnsResponse Decode(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength)
        {
            throw new FormatException("DNS message shorter than its header");
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var offset = HeaderLength;
        for (var i = 0; i < questions; i++)
        {
            ReadName(message, ref offset);
            offset += 4;
        }

        var records = new List<DnsRecord>(answers);
        for (var i = 0; i < answers; i++)
        {
            var name = ReadName(message, ref offset);
            if (offset + 10 > message.Length)
            {
                throw new FormatException("DNS record header cut short");
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10;
            if (offset + length > message.Length)
            {
                throw new FormatException("DNS record data cut short");
            }

            var data = type switch
            {
                TypeTxt => ReadTxt(message.Slice(offset, length)),
                TypeCname => ReadNameAt(message, offset),
                _ => string.Empty,
            };
            records.Add(new DnsRecord(name, type, ttl, data));
            offset += length;
        }

        return new DnsResponse(id, (flags & 0x8000) != 0, (flags & 0x0200) != 0, flags & 0x000F, records);
    }

    /// <summary>A TXT record's character-strings joined without separator, as lego compares them.</summary>
    private static string ReadTxt(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder();
        var offset = 0;
        while (offset < data.Length)
        {
            var length = data[offset++];
            if (offset + length > data.Length)
            {
                throw new FormatException("TXT character-string cut short");
            }

            text.Append(Encoding.ASCII.GetString(data.Slice(offset, length)));
            offset += length;
        }

        return text.ToString();
    }

    private static string ReadNameAt(ReadOnlySpan<byte> message, int offset) => ReadName(message, ref offset);

    /// <summary>A name without its trailing dot (the root is ""), following compression pointers.</summary>
    private static string ReadName(ReadOnlySpan<byte> message, ref int offset)
    {
        var name = new StringBuilder();
        var position = offset;
        var jumps = 0;
        var end = -1;
        while (true)
        {
            if (position >= message.Length)
            {
                throw new FormatException("DNS name cut short");
            }

            var length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length || ++jumps > MaxPointerJumps)
                {
                    throw new FormatException("DNS name pointer cut short or looping");
                }

                end = end < 0 ? position + 2 : end;
                position = ((length & 0x3F) << 8) | message[position + 1];
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                throw new FormatException("DNS name uses a reserved label type");
            }

            position++;
            if (length == 0)
            {
                break;
            }

            if (position + length > message.Length)
            {
                throw new FormatException("DNS label cut short");
            }

            if (name.Length > 0)
            {
                name.Append('.');
            }

            name.Append(Encoding.ASCII.GetString(message.Slice(position, length)));
            position += length;
        }

        offset = end < 0 ? position : end;
        return name.ToString();
    }

    private static void Append16(List<byte> buffer, ushort value)
    {
        buffer.Add((byte)(value >> 8));
        buffer.Add((byte)value);
    }
}

/// <summary>A decoded response: its id, whether it is a response (QR), whether it was truncated (TC), the RCODE and the answers.</summary>
internal sealed record DnsResponse(ushort Id, bool IsResponse, bool Truncated, int ResponseCode, IReadOnlyList<DnsRecord> Answers);

/// <summary>One answer record: TXT data is the joined text, CNAME data the target name; other types have empty data.</summary>
internal sealed record DnsRecord(string Name, ushort Type, uint Ttl, string Data);
