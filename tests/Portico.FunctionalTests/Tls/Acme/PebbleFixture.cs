using Microsoft.AspNetCore.Http;
using Portico.Tls.Acme;

namespace Portico.FunctionalTests.Tls.Acme;

/// <summary>
/// One pebble per test class, plus a Kestrel app on pebble's HTTP-01 port that answers
/// /.well-known/acme-challenge/&lt;token&gt; from <see cref="Challenges"/>, as the HTTP entry point will.
/// </summary>
public sealed class PebbleFixture : IAsyncLifetime
{
    private Backend? _challengeServer;
    private PebbleServer? _pebble;

    internal PebbleServer Pebble => _pebble!;

    internal InMemoryHttp01ChallengeStore Challenges { get; } = new();

    public async Task InitializeAsync()
    {
        _pebble = await PebbleServer.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _challengeServer = await StartChallengeServerAsync(Challenges, _pebble.HttpPort);
    }

    /// <summary>A Kestrel app on <paramref name="port"/> answering HTTP-01 tokens from <paramref name="challenges"/>.</summary>
    internal static Task<Backend> StartChallengeServerAsync(InMemoryHttp01ChallengeStore challenges, int port) =>
        Backend.StartAsync(context =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (path.StartsWith(InMemoryHttp01ChallengeStore.PathPrefix, StringComparison.Ordinal)
                && challenges.TryGet(path[InMemoryHttp01ChallengeStore.PathPrefix.Length..], out var keyAuthorization))
            {
                context.Response.ContentType = "application/octet-stream";
                return context.Response.WriteAsync(keyAuthorization);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }, port: port);

    public async Task DisposeAsync()
    {
        if (_challengeServer is not null)
        {
            await _challengeServer.DisposeAsync();
        }

        if (_pebble is not null)
        {
            await _pebble.DisposeAsync();
        }
    }
}
