using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portico.Tls.Acme;

namespace Portico.Tests.Tls.Acme;

/// <summary>
/// The client's resilience against a small real ACME endpoint on Kestrel that answers newAccount from a script: badNonce
/// retried up to five times, 429/503 waited out for their Retry-After on the injected clock, long waits handed up.
/// </summary>
public sealed class AcmeClientRetryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string, int, string?, TimeSpan> BusyAnswers => new()
    {
        { "429 with Retry-After in seconds", 429, "2", TimeSpan.FromSeconds(2) },
        { "503 with Retry-After as an HTTP date", 503, "date+3", TimeSpan.FromSeconds(3) },
        { "429 without Retry-After waits one second", 429, null, TimeSpan.FromSeconds(1) },
    };

    [Theory]
    [MemberData(nameof(BusyAnswers))]
    public async Task A_busy_answer_is_retried_after_its_Retry_After_on_the_clock(string scenario, int status, string? retryAfter, TimeSpan expected)
    {
        var clock = new SignalingClock();
        if (retryAfter == "date+3")
        {
            retryAfter = clock.GetUtcNow().AddSeconds(3).ToString("R", CultureInfo.InvariantCulture);
        }

        await using var ca = await ScriptedCa.StartAsync([Busy(status, retryAfter, "urn:ietf:params:acme:error:rateLimited")]);
        using var http = new HttpClient();
        using var key = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, ca.DirectoryUrl, key, clock);

        var create = client.CreateAccountAsync(["a@b.example"], true, CancellationToken.None);
        await clock.TimerCreated.Task.WaitAsync(Timeout);
        clock.Advance(expected - TimeSpan.FromTicks(1));
        Assert.False(create.IsCompleted, scenario + ": retried before Retry-After");
        clock.Advance(TimeSpan.FromTicks(1));
        var account = await create.WaitAsync(Timeout);

        Assert.Equal(2, ca.AccountPosts);
        Assert.Equal(new Uri(ca.DirectoryUrl, "/acct/1"), account.Url);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_clients_limit_goes_up_with_the_CAs_problem_and_time()
    {
        var clock = new SignalingClock();
        await using var ca = await ScriptedCa.StartAsync([Busy(429, "3600", "urn:ietf:params:acme:error:rateLimited")]);
        using var http = new HttpClient();
        using var key = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, ca.DirectoryUrl, key, clock);

        var error = await Assert.ThrowsAsync<AcmeException>(() => client.CreateAccountAsync([], true, CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(AcmeProblem.RateLimited, error.Type);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(clock.GetUtcNow().AddHours(1), error.RetryAfter);
        Assert.Equal(1, ca.AccountPosts);
    }

    [Theory]
    [InlineData("five badNonce rejections are retried", 5, true)]
    [InlineData("the sixth badNonce rejection fails", 6, false)]
    public async Task BadNonce_is_retried_up_to_five_times(string scenario, int rejections, bool succeeds)
    {
        var script = Enumerable.Repeat(Busy(400, null, AcmeProblem.BadNonce), rejections).ToArray();
        await using var ca = await ScriptedCa.StartAsync(script);
        using var http = new HttpClient();
        using var key = AcmeAccountKey.CreateEcdsa();
        var client = new AcmeClient(http, ca.DirectoryUrl, key, new FakeTimeProvider());

        var create = client.CreateAccountAsync([], true, CancellationToken.None).WaitAsync(Timeout);
        if (succeeds)
        {
            await create;
        }
        else
        {
            var error = await Assert.ThrowsAsync<AcmeException>(() => create);
            Assert.Equal(AcmeProblem.BadNonce, error.Type);
        }

        Assert.Equal(Math.Min(rejections, AcmeClient.MaxBadNonceRetries) + 1, ca.AccountPosts);
        Assert.True(succeeds == (rejections <= AcmeClient.MaxBadNonceRetries), scenario);
    }

    private static ScriptedAnswer Busy(int status, string? retryAfter, string type) => new(status, retryAfter, type);

    internal sealed record ScriptedAnswer(int Status, string? RetryAfter, string ProblemType);

    /// <summary>Directory, nonces and a newAccount endpoint that plays its script, then creates the account.</summary>
    private sealed class ScriptedCa : IAsyncDisposable
    {
        private readonly ConcurrentQueue<ScriptedAnswer> _script;
        private Backend? _backend;
        private int _nonces;
        private int _accountPosts;

        private ScriptedCa(IEnumerable<ScriptedAnswer> script) => _script = new ConcurrentQueue<ScriptedAnswer>(script);

        public Uri DirectoryUrl => new(_backend!.Url, "/dir");

        public int AccountPosts => Volatile.Read(ref _accountPosts);

        public static async Task<ScriptedCa> StartAsync(IEnumerable<ScriptedAnswer> script)
        {
            var ca = new ScriptedCa(script);
            ca._backend = await Backend.StartAsync(ca.HandleAsync);
            return ca;
        }

        public ValueTask DisposeAsync() => _backend!.DisposeAsync();

        private Task HandleAsync(HttpContext context)
        {
            var origin = $"http://{context.Request.Host}";
            context.Response.Headers["Replay-Nonce"] = "nonce-" + Interlocked.Increment(ref _nonces);
            switch (context.Request.Path.Value)
            {
                case "/dir":
                    return context.Response.WriteAsJsonAsync(new Dictionary<string, string>
                    {
                        ["newNonce"] = origin + "/nonce",
                        ["newAccount"] = origin + "/acct",
                        ["newOrder"] = origin + "/order",
                    });
                case "/nonce":
                    return Task.CompletedTask;
                case "/acct":
                    Interlocked.Increment(ref _accountPosts);
                    if (_script.TryDequeue(out var answer))
                    {
                        context.Response.StatusCode = answer.Status;
                        if (answer.RetryAfter is not null)
                        {
                            context.Response.Headers.RetryAfter = answer.RetryAfter;
                        }

                        context.Response.ContentType = "application/problem+json";
                        return context.Response.WriteAsync(JsonSerializer.Serialize(new { type = answer.ProblemType, detail = "scripted", status = answer.Status }));
                    }

                    context.Response.StatusCode = StatusCodes.Status201Created;
                    context.Response.Headers.Location = origin + "/acct/1";
                    return context.Response.WriteAsync("{\"status\":\"valid\"}");
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
            }
        }
    }

    /// <summary>A manual clock that tells when the client starts waiting on it.</summary>
    private sealed class SignalingClock : TimeProvider
    {
        private readonly FakeTimeProvider _inner = new();

        public TaskCompletionSource TimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override long TimestampFrequency => _inner.TimestampFrequency;

        public override long GetTimestamp() => _inner.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = _inner.CreateTimer(callback, state, dueTime, period);
            TimerCreated.TrySetResult();
            return timer;
        }

        public void Advance(TimeSpan delta) => _inner.Advance(delta);
    }
}
