using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Portico.FunctionalTests.Infrastructure;
using Portico.Tcp.ProxyProtocol;

namespace Portico.FunctionalTests.Tcp.ProxyProtocol;

/// <summary>
/// PROXY headers against the reference implementation: HAProxy (Debian package haproxy) sends v1 and v2 headers
/// that the reader must understand, and accepts the headers the writer produces (it then re-announces the addresses
/// it understood with its own v1 header).
/// </summary>
public sealed class HaproxyProxyProtocolTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TcpListener _sink = new(IPAddress.Loopback, 0);
    private Process? _haproxy;
    private string? _directory;
    private int _sendV1;
    private int _sendV2;
    private int _accept;

    public async Task InitializeAsync()
    {
        var haproxy = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("haproxy is not installed: install the Debian package haproxy to run these tests");
        _sink.Start();
        var sink = ((IPEndPoint)_sink.LocalEndpoint).Port;
        (_sendV1, _sendV2, _accept) = (FreePort.Get(), FreePort.Get(), FreePort.Get());
        _directory = Directory.CreateTempSubdirectory("portico-haproxy-").FullName;
        var config = Path.Combine(_directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            listen send_v1
              bind 127.0.0.1:{_sendV1}
              server sink 127.0.0.1:{sink} send-proxy
            listen send_v2
              bind 127.0.0.1:{_sendV2}
              server sink 127.0.0.1:{sink} send-proxy-v2
            listen accept
              bind 127.0.0.1:{_accept} accept-proxy
              server sink 127.0.0.1:{sink} send-proxy

            """);
        _haproxy = Process.Start(new ProcessStartInfo(haproxy, ["-db", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await Poll.UntilAsync(() => CanConnect(_accept), "haproxy listening", Timeout);
    }

    public async Task DisposeAsync()
    {
        if (_haproxy is not null)
        {
            _haproxy.Kill();
            await _haproxy.WaitForExitAsync().WaitAsync(Timeout);
            _haproxy.Dispose();
        }

        _sink.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ReadsTheHeadersHaproxySendsAsync(int version)
    {
        var port = version == 1 ? _sendV1 : _sendV2;
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
        await client.GetStream().WriteAsync("hello"u8.ToArray()).AsTask().WaitAsync(Timeout);

        var (header, rest) = await ReceiveAsync();

        Assert.Equal(version, header.Version);
        Assert.Equal(client.Client.LocalEndPoint, header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), header.Destination);
        Assert.Equal("hello", rest);
    }

    public static TheoryData<int, string, string> Written => new()
    {
        { 1, "203.0.113.7:4242", "198.51.100.9:443" },
        { 2, "203.0.113.7:4242", "198.51.100.9:443" },
        { 1, "[2001:db8::7]:4242", "[2001:db8::9]:443" },
        { 2, "[2001:db8::7]:4242", "[2001:db8::9]:443" },
    };

    [Theory]
    [MemberData(nameof(Written))]
    public async Task HaproxyAcceptsTheHeadersWeWriteAsync(int version, string source, string destination)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _accept).WaitAsync(Timeout);
        byte[] payload = [.. ProxyHeaderWriter.Write(version, IPEndPoint.Parse(source), IPEndPoint.Parse(destination)), .. "after"u8];
        await client.GetStream().WriteAsync(payload).AsTask().WaitAsync(Timeout);

        var (header, rest) = await ReceiveAsync();

        Assert.Equal(IPEndPoint.Parse(source), header.Source);
        Assert.Equal(IPEndPoint.Parse(destination), header.Destination);
        Assert.Equal("after", rest);
    }

    /// <summary>Accepts HAProxy's connection to the sink and reads its header and the bytes after it.</summary>
    private async Task<(ProxyHeader Header, string Payload)> ReceiveAsync()
    {
        using var connection = await _sink.AcceptTcpClientAsync().WaitAsync(Timeout);
        var stream = connection.GetStream();
        var buffer = new byte[4096];
        var received = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(received)).AsTask().WaitAsync(Timeout);
            Assert.True(read > 0, "haproxy closed the connection before the header and payload arrived");
            received += read;
            var status = ProxyHeaderReader.TryParse(new ReadOnlySequence<byte>(buffer, 0, received), out var header, out var consumed, out var error);
            Assert.True(status is ProxyHeaderStatus.Complete or ProxyHeaderStatus.Incomplete, $"{status}: {error}");
            if (status == ProxyHeaderStatus.Complete && received > consumed)
            {
                return (header!, Encoding.ASCII.GetString(buffer, consumed, received - consumed));
            }
        }
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
