using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// A minimal stub resolver for the propagation check: one question over UDP, retried over TCP when the answer is
/// truncated (RFC 1035 §4.2), and TXT lookups that follow CNAME chains as the CA does.
/// </summary>
internal sealed class DnsClient(TimeProvider time, TimeSpan timeout)
{
    private const int MaxCnameHops = 8;
    private const int MaxUdpMessage = 65535;

    /// <summary>
    /// The TXT values at <paramref name="name"/>, after following CNAMEs (inside one answer, then with new queries);
    /// empty when the name does not exist. A server failure (RCODE other than 0 and NXDOMAIN) throws.
    /// </summary>
    public async Task<IReadOnlyList<string>> LookupTxtAsync(IPEndPoint server, string name, CancellationToken cancellationToken)
    {
        var current = name.TrimEnd('.');
        for (var hop = 0; hop <= MaxCnameHops; hop++)
        {
            var response = await QueryAsync(server, current, DnsMessage.TypeTxt, cancellationToken).ConfigureAwait(false);
            if (response.ResponseCode == DnsMessage.ResponseNameError)
            {
                return [];
            }

            if (response.ResponseCode != 0)
            {
                throw new AcmeException($"DNS server {server} answered RCODE {response.ResponseCode} for TXT {current}");
            }

            var (values, next) = Follow(response.Answers, current);
            if (values.Count > 0 || next is null)
            {
                return values;
            }

            current = next;
        }

        throw new AcmeException($"DNS: more than {MaxCnameHops} CNAMEs from {name}");
    }

    /// <summary>The TXT values at the end of the chain within one answer, or else the CNAME target left to query.</summary>
    internal static (List<string> Values, string? Next) Follow(IReadOnlyList<DnsRecord> answers, string name)
    {
        var current = name;
        string? next = null;
        for (var hop = 0; hop <= MaxCnameHops; hop++)
        {
            var values = new List<string>();
            string? target = null;
            foreach (var record in answers)
            {
                if (!string.Equals(record.Name, current, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (record.Type == DnsMessage.TypeTxt)
                {
                    values.Add(record.Data);
                }
                else if (record.Type == DnsMessage.TypeCname)
                {
                    target = record.Data;
                }
            }

            if (values.Count > 0 || target is null)
            {
                return (values, next);
            }

            current = next = target;
        }

        return ([], next);
    }

    public async Task<DnsResponse> QueryAsync(IPEndPoint server, string name, ushort type, CancellationToken cancellationToken)
    {
        var id = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        var query = DnsMessage.EncodeQuery(id, name, type);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var response = await QueryUdpAsync(server, query, id, linked.Token).ConfigureAwait(false);
            return response.Truncated ? await QueryTcpAsync(server, query, id, linked.Token).ConfigureAwait(false) : response;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AcmeException($"DNS server {server} did not answer TXT {name} within {timeout}");
        }
        catch (SocketException ex)
        {
            throw new AcmeException($"DNS server {server}: {ex.Message}");
        }
    }

    private static async Task<DnsResponse> QueryUdpAsync(IPEndPoint server, byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxUdpMessage];
        while (true)
        {
            // A stray datagram (an old answer, another id) is skipped rather than trusted.
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            DnsResponse response;
            try
            {
                response = DnsMessage.Decode(buffer.AsSpan(0, received));
            }
            catch (FormatException)
            {
                continue;
            }

            if (response.Id == id && response.IsResponse)
            {
                return response;
            }
        }
    }

    private static async Task<DnsResponse> QueryTcpAsync(IPEndPoint server, byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
        var lengthPrefix = new byte[2];
        await stream.ReadExactlyAsync(lengthPrefix, cancellationToken).ConfigureAwait(false);
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthPrefix)];
        await stream.ReadExactlyAsync(message, cancellationToken).ConfigureAwait(false);
        var response = DnsMessage.Decode(message);
        return response.Id == id ? response : throw new AcmeException($"DNS server {server} answered over TCP with id {response.Id}, not {id}");
    }
}
