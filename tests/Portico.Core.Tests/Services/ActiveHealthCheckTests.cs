using System.Buffers.Binary;
using Microsoft.AspNetCore.Http;
using Portico.Configuration.Dynamic;
using Portico.Services;
using Portico.Services.Health;
using Portico.Services.LoadBalancing;
using static Portico.Tests.Services.ServiceTestHelpers;

namespace Portico.Tests.Services;

public sealed class ActiveHealthCheckTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Http_check_follows_the_backend_status_with_interval_and_unhealthy_interval()
    {
        var status = 200;
        string? seenHost = null, seenHeader = null, seenMethod = null;
        await using var backend = await Backend.StartAsync(ctx =>
        {
            if (ctx.Request.Path == "/health")
            {
                seenHost = ctx.Request.Host.Value;
                seenHeader = ctx.Request.Headers["X-Probe"];
                seenMethod = ctx.Request.Method;
                ctx.Response.StatusCode = status;
            }

            return Task.CompletedTask;
        });
        var time = new FakeTimeProvider();
        var config = new HealthCheckConfig
        {
            Path = "/health",
            Method = "head",
            Interval = TimeSpan.FromSeconds(10),
            UnhealthyInterval = TimeSpan.FromSeconds(3),
            Hostname = "probe.example",
            Headers = new Dictionary<string, string> { ["X-Probe"] = "1" },
        };
        var (result, lb) = BuildWithHealthCheck(backend.Url, config, time);
        await using var owned = result;
        var checker = lb.State.ActiveChecker!;
        var server = lb.Servers[0];
        var serviceChanges = new List<bool>();
        lb.HealthChanged += (_, healthy) => serviceChanges.Add(healthy);

        // Servers are up before the first probe, which runs one interval after start.
        Assert.True(server.IsHealthy);
        Assert.True(await ProbeAfter(checker, time, TimeSpan.FromSeconds(10)));
        Assert.Equal(("probe.example", "1", "HEAD"), (seenHost, seenHeader, seenMethod));

        status = 500;
        Assert.False(await ProbeAfter(checker, time, TimeSpan.FromSeconds(10)));
        Assert.False(server.IsHealthy);
        Assert.False(lb.IsHealthy);

        // While down the server is probed every unhealthyInterval.
        status = 302;
        Assert.True(await ProbeAfter(checker, time, TimeSpan.FromSeconds(3)));
        Assert.True(server.IsHealthy);
        Assert.Equal([false, true], serviceChanges);
    }

    [Theory]
    [InlineData("status matches", 204, 204, true)]
    [InlineData("status differs", 200, 204, false)]
    [InlineData("4xx without status", 404, 0, false)]
    [InlineData("3xx without status", 301, 0, true)]
    public async Task Http_check_status_rule(string scenario, int answer, int expected, bool healthy)
    {
        _ = scenario;
        await using var backend = await Backend.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = answer;
            return Task.CompletedTask;
        });
        var time = new FakeTimeProvider();
        var (result, lb) = BuildWithHealthCheck(backend.Url, new HealthCheckConfig { Path = "/h", Status = expected, FollowRedirects = false }, time);
        await using var owned = result;
        Assert.Equal(healthy, await ProbeAfter(lb.State.ActiveChecker!, time, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Unreachable_server_is_marked_down()
    {
        var time = new FakeTimeProvider();
        var (result, lb) = BuildWithHealthCheck(new Uri("http://127.0.0.1:1"), new HealthCheckConfig { Path = "/" }, time);
        await using var owned = result;
        Assert.False(await ProbeAfter(lb.State.ActiveChecker!, time, TimeSpan.FromSeconds(30)));
        Assert.False(lb.IsHealthy);
    }

    [Theory]
    [InlineData("serving", 1, "0", true)]
    [InlineData("not serving", 2, "0", false)]
    [InlineData("grpc error", 1, "14", false)]
    public async Task Grpc_check_uses_the_health_protocol_over_h2c(string scenario, int servingStatus, string grpcStatus, bool healthy)
    {
        _ = scenario;
        string? path = null, contentType = null;
        byte[]? request = null;
        await using var backend = await Backend.StartAsync(async ctx =>
        {
            path = ctx.Request.Path;
            contentType = ctx.Request.ContentType;
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            request = buffer.ToArray();

            // HealthCheckResponse { status = servingStatus }: field 1, varint.
            byte[] message = [0x08, (byte)servingStatus];
            var frame = new byte[5 + message.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
            message.CopyTo(frame, 5);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.Body.WriteAsync(frame);
            ctx.Response.AppendTrailer("grpc-status", grpcStatus);
        }, Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        var time = new FakeTimeProvider();
        var (result, lb) = BuildWithHealthCheck(backend.Url, new HealthCheckConfig { Mode = "grpc" }, time);
        await using var owned = result;

        Assert.Equal(healthy, await ProbeAfter(lb.State.ActiveChecker!, time, TimeSpan.FromSeconds(30)));
        Assert.Equal("/grpc.health.v1.Health/Check", path);
        Assert.Equal("application/grpc", contentType);
        Assert.Equal(new byte[5], request);
    }

    [Fact]
    public async Task Disposing_the_build_stops_the_timers()
    {
        var time = new FakeTimeProvider();
        var (result, _) = BuildWithHealthCheck(new Uri("http://127.0.0.1:1"), new HealthCheckConfig { Path = "/" }, time);
        Assert.Equal(1, time.ActiveTimers);
        await result.DisposeAsync();
        Assert.Equal(0, time.ActiveTimers);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 }, 1)]
    [InlineData(new byte[] { 0, 0, 0, 0, 0 }, 0)]
    [InlineData(new byte[] { 0, 0, 0, 0, 5, 0x12, 0x01, 0x41, 0x08, 0x02 }, 2)]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 0x08 }, 0)]
    public void Grpc_response_parser(byte[] body, int expected) => Assert.Equal(expected, GrpcHealthProbe.ParseServingStatus(body));

    internal static (ServiceBuildResult Result, LoadBalancerService Lb) BuildWithHealthCheck(Uri url, HealthCheckConfig config, FakeTimeProvider time)
    {
        var result = Builder(new RecordingForwarder(), time).Build(
            new Dictionary<string, ServiceConfig> { ["s@file"] = Lb(new LoadBalancerConfig { Servers = [new ServerConfig { Url = url.ToString() }], HealthCheck = config }) },
            null);
        Assert.Empty(result.Errors);
        return (result, (LoadBalancerService)result.Services["s@file"]);
    }

    /// <summary>Advances the clock by <paramref name="delay"/> and waits for the probe it triggers.</summary>
    internal static async Task<bool> ProbeAfter(ActiveHealthChecker checker, FakeTimeProvider time, TimeSpan delay)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnProbe(ServerState server, bool healthy) => done.TrySetResult(healthy);
        checker.ProbeCompleted += OnProbe;
        try
        {
            time.Advance(delay);
            return await done.Task.WaitAsync(Wait);
        }
        finally
        {
            checker.ProbeCompleted -= OnProbe;
        }
    }
}
