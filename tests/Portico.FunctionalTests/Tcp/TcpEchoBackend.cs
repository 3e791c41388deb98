using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Portico.FunctionalTests.Tcp;

/// <summary>
/// A raw TCP backend on loopback: it greets with "&lt;name&gt;\n" as soon as a connection opens (a server-first protocol),
/// echoes every byte, and when the client half-closes answers "&lt;name&gt;:eof\n" before closing its own side. With a
/// certificate it speaks TLS (as a passthrough target) and does the same inside TLS.
/// </summary>
internal sealed class TcpEchoBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private TcpEchoBackend(string name, X509Certificate2? certificate, int port)
    {
        Name = name;
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref _connections);

    /// <param name="port">0 picks a free port; a given port restarts a backend where a stopped one listened.</param>
    public static TcpEchoBackend Start(string name, X509Certificate2? certificate = null, int port = 0) => new(name, certificate, port);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var owned = socket;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                stream = ssl;
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(Name + "\n"), _stop.Token);
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(Name + ":eof\n"), _stop.Token);
            if (stream is SslStream tls)
            {
                await tls.ShutdownAsync();
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }
}

/// <summary>A line-oriented TCP client for the tests, with a timeout on every read.</summary>
internal sealed class LineClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly StreamReader _reader;

    private LineClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = new StreamReader(stream, Encoding.ASCII);
    }

    public static async Task<LineClient> ConnectAsync(Uri entryPoint, string? serverName = null, string? trustedCaFile = null, string? alpn = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, entryPoint.Port)).WaitAsync(Timeout);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (serverName is not null)
        {
            var ssl = new SslStream(stream);
            var options = new SslClientAuthenticationOptions { TargetHost = serverName };
            if (alpn is not null)
            {
                options.ApplicationProtocols = [new SslApplicationProtocol(alpn)];
            }

            if (trustedCaFile is not null)
            {
                // Verify the backend's certificate end to end against the test CA: passthrough must not touch TLS.
                var ca = X509Certificate2.CreateFromPem(File.ReadAllText(trustedCaFile));
                options.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
                options.CertificateChainPolicy.CustomTrustStore.Add(ca);
            }
            else
            {
                options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            }

            await ssl.AuthenticateAsClientAsync(options).WaitAsync(Timeout);
            stream = ssl;
        }

        return new LineClient(socket, stream);
    }

    public X509Certificate? RemoteCertificate => (_stream as SslStream)?.RemoteCertificate;

    public async Task SendAsync(string text)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WaitAsync(Timeout);
        await _stream.FlushAsync().WaitAsync(Timeout);
    }

    public Task<string?> ReadLineAsync() => _reader.ReadLineAsync().WaitAsync(Timeout);

    /// <summary>Half-closes: the server reads end-of-stream, and we may still read its answer.</summary>
    public async Task ShutdownSendAsync()
    {
        if (_stream is SslStream ssl)
        {
            await ssl.ShutdownAsync().WaitAsync(Timeout);
        }

        _socket.Shutdown(SocketShutdown.Send);
    }

    public Task<string> ReadToEndAsync() => _reader.ReadToEndAsync().WaitAsync(Timeout);

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
