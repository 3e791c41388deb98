using System.Text;
using Portico.Tls.Acme.Dns;

namespace Portico.Tests.Tls.Acme.Dns;

public sealed class DnsMessageTests
{
    [Fact]
    public void A_query_has_one_question_with_recursion_desired()
    {
        var query = DnsMessage.EncodeQuery(0xBEEF, "_acme-challenge.a.test.", DnsMessage.TypeTxt);

        byte[] expected =
        [
            0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
            15, .. "_acme-challenge"u8, 1, (byte)'a', 4, .. "test"u8, 0,
            0, 16, 0, 1,
        ];
        Assert.Equal(expected, query);
    }

    [Theory]
    [InlineData("empty label", "a..test")]
    [InlineData("label over 63 bytes", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test")]
    public void Bad_names_are_refused(string scenario, string name)
    {
        Assert.True(Assert.Throws<FormatException>(() => DnsMessage.EncodeQuery(1, name, DnsMessage.TypeTxt)) is not null, scenario);
    }

    public static TheoryData<string, byte[], string[]> Responses => new()
    {
        { "one TXT", Response(0, Txt(Name("a.test"), "v1")), ["a.test TXT v1"] },
        { "TXT of several strings is joined", Response(0, Txt(Name("a.test"), "abc", "def")), ["a.test TXT abcdef"] },
        { "two TXT records", Response(0, [.. Txt(Name("a.test"), "v1"), .. Txt(Name("a.test"), "v2")], answers: 2), ["a.test TXT v1", "a.test TXT v2"] },
        { "compressed owner name", Response(0, Txt([0xC0, 12], "v1")), ["_acme-challenge.a.test TXT v1"] },
        { "CNAME then TXT", Response(0, [.. Cname([0xC0, 12], Name("b.test")), .. Txt(Name("b.test"), "v1")], answers: 2), ["_acme-challenge.a.test CNAME b.test", "b.test TXT v1"] },
        { "CNAME target compressed into the question", Response(0, Cname(Name("x.test"), [3, (byte)'c', (byte)'n', (byte)'m', 0xC0, 28])), ["x.test CNAME cnm.a.test"] },
        { "no answer", Response(3, []), [] },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public void Responses_decode_to_their_answers(string scenario, byte[] message, string[] answers)
    {
        var response = DnsMessage.Decode(message);

        Assert.True(response.IsResponse, scenario);
        Assert.Equal(0x1234, response.Id);
        Assert.Equal(answers, response.Answers.Select(Show).ToArray());
    }

    [Fact]
    public void Header_flags_give_truncation_and_the_response_code()
    {
        var message = Response(3, []);
        message[2] |= 0x02;

        var response = DnsMessage.Decode(message);

        Assert.True(response.Truncated);
        Assert.Equal(DnsMessage.ResponseNameError, response.ResponseCode);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "shorter than the header", [0x12, 0x34, 0x81] },
        { "record data cut short", Response(0, Txt(Name("a.test"), "v1"))[..^1] },
        { "pointer loop (the owner name at offset 40 points at itself)", Response(0, Txt([0xC0, 40], "v1")) },
        { "pointer past the end", Response(0, Txt([0xC0, 0xFF], "v1")) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_responses_throw_FormatException(string scenario, byte[] message)
    {
        Assert.True(Assert.Throws<FormatException>(() => DnsMessage.Decode(message)) is not null, scenario);
    }

    private static string Show(DnsRecord record) =>
        $"{record.Name} {(record.Type == DnsMessage.TypeTxt ? "TXT" : record.Type == DnsMessage.TypeCname ? "CNAME" : record.Type.ToString(System.Globalization.CultureInfo.InvariantCulture))} {record.Data}";

    /// <summary>A response to the question <c>_acme-challenge.a.test TXT</c>: its name at offset 12, <c>a.test</c> at 28, answers from 40.</summary>
    private static byte[] Response(int rcode, byte[] answerBytes, int answers = -1)
    {
        var count = answers >= 0 ? answers : answerBytes.Length > 0 ? 1 : 0;
        byte[] header = [0x12, 0x34, 0x81, (byte)(0x80 | rcode), 0, 1, 0, (byte)count, 0, 0, 0, 0];
        byte[] question = [.. Name("_acme-challenge.a.test"), 0, 16, 0, 1];
        return [.. header, .. question, .. answerBytes];
    }

    private static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    private static byte[] Txt(byte[] owner, params string[] strings)
    {
        var data = new List<byte>();
        foreach (var s in strings)
        {
            data.Add((byte)s.Length);
            data.AddRange(Encoding.ASCII.GetBytes(s));
        }

        return Record(owner, DnsMessage.TypeTxt, [.. data]);
    }

    private static byte[] Cname(byte[] owner, byte[] target) => Record(owner, DnsMessage.TypeCname, target);

    private static byte[] Record(byte[] owner, ushort type, byte[] data) =>
        [.. owner, 0, (byte)type, 0, 1, 0, 0, 0, 60, (byte)(data.Length >> 8), (byte)data.Length, .. data];
}
