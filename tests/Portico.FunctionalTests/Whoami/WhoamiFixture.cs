using System.Net;
using Portico.Cli.Whoami;

namespace Portico.FunctionalTests.Whoami;

/// <summary>One whoami backend on a loopback port, and an HttpClient, shared by the tests of a class.</summary>
public sealed class WhoamiFixture : IAsyncLifetime
{
    public const string Name = "functional-backend";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private WhoamiServer? _server;

    internal WhoamiServer Server => _server ?? throw new InvalidOperationException("not started");

    public HttpClient Client { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public async Task InitializeAsync() =>
        _server = await WhoamiServer.StartAsync(IPAddress.Loopback, 0, Name, CancellationToken.None).WaitAsync(Timeout);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
    }
}
