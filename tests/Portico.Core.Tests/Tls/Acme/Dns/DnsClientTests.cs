using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Portico.Tls.Acme.Dns;

namespace Portico.Tests.Tls.Acme.Dns;

public sealed class DnsClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string[], string[], string?> Chains => new()
    {
        { "direct TXT", ["_acme-challenge.a.test TXT v1"], ["v1"], null },
        { "CNAME answered in the same message", ["_acme-challenge.a.test CNAME x.dns.test", "x.dns.test TXT v1"], ["v1"], "x.dns.test" },
        { "two CNAMEs", ["_acme-challenge.a.test CNAME y.test", "y.test CNAME z.test", "z.test TXT v2"], ["v2"], "z.test" },
        { "CNAME without its target: query the target", ["_acme-challenge.a.test CNAME x.dns.test"], [], "x.dns.test" },
        { "names compare without case", ["_ACME-challenge.A.test TXT v1"], ["v1"], null },
        { "other names are ignored", ["other.test TXT v1"], [], null },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void Txt_values_follow_CNAMEs(string scenario, string[] answers, string[] values, string? next)
    {
        var records = answers.Select(a => a.Split(' ')).Select(f => new DnsRecord(f[0], f[1] == "TXT" ? DnsMessage.TypeTxt : DnsMessage.TypeCname, 60, f[2])).ToArray();

        var (found, target) = DnsClient.Follow(records, "_acme-challenge.a.test");

        Assert.True(values.SequenceEqual(found), scenario);
        Assert.True(next == target, scenario);
    }

    [Fact]
    public async Task A_truncated_UDP_answer_is_asked_again_over_TCP()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)udp.LocalEndPoint!;
        var tcp = new TcpListener(endPoint);
        tcp.Start();
        try
        {
            var server = ServeAsync(udp, tcp);
            var client = new DnsClient(TimeProvider.System, Timeout);

            var values = await client.LookupTxtAsync(endPoint, "_acme-challenge.a.test.", CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(["over-tcp"], values);
            await server.WaitAsync(Timeout);
        }
        finally
        {
            tcp.Stop();
        }
    }

    /// <summary>Answers one UDP query with TC set and no records, then the same query over TCP with the TXT record.</summary>
    private static async Task ServeAsync(Socket udp, TcpListener tcp)
    {
        var buffer = new byte[512];
        var from = new IPEndPoint(IPAddress.Any, 0);
        var received = await udp.ReceiveFromAsync(buffer, SocketFlags.None, from);
        var truncated = Answer(buffer.AsSpan(0, received.ReceivedBytes), truncated: true);
        await udp.SendToAsync(truncated, SocketFlags.None, received.RemoteEndPoint);

        using var connection = await tcp.AcceptTcpClientAsync();
        var stream = connection.GetStream();
        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix);
        var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(query);
        var answer = Answer(query, truncated: false);
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)answer.Length);
        await stream.WriteAsync(prefix);
        await stream.WriteAsync(answer);
    }

    /// <summary>The query echoed as a response (QR set), with one TXT answer pointing at the question name unless truncated.</summary>
    private static byte[] Answer(ReadOnlySpan<byte> query, bool truncated)
    {
        var response = query.ToArray();
        response[2] = (byte)(0x81 | (truncated ? 0x02 : 0));
        response[3] = 0x80;
        if (truncated)
        {
            return response;
        }

        response[7] = 1;
        var text = Encoding.ASCII.GetBytes("over-tcp");
        byte[] record = [0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, (byte)(text.Length + 1), (byte)text.Length, .. text];
        return [.. response, .. record];
    }
}
