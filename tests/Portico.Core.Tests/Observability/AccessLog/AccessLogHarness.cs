using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Observability.AccessLog;
using Portico.Runtime;

namespace Portico.Tests.Observability.AccessLog;

/// <summary>Runs requests built on <see cref="DefaultHttpContext"/> through a real <see cref="AccessLogger"/> writing to memory.</summary>
internal static class AccessLogHarness
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A proxied GET answered 200 with a 5-byte body in 15 ms, the origin taking 10 ms.</summary>
    public static async Task<string[]> LogAsync(AccessLogConfig config, params Action<DefaultHttpContext, PorticoRequestFeature>[] requests)
    {
        var errors = new List<(string[] Keys, string Message)>();
        var options = AccessLogOptions.Create(config, errors);
        Assert.Empty(errors);
        var time = new FakeTimeProvider();
        var output = new MemoryStream();
        var logger = new AccessLogger(options, time, NullLoggerFactory.Instance, output);
        foreach (var customize in requests)
        {
            var context = NewContext();
            var scope = logger.Begin(context);
            var feature = new PorticoRequestFeature
            {
                EntryPoint = "web",
                RecordOrigin = true,
                RouterName = "app@file",
                ServiceName = "app@file",
                ServerUrl = new Uri("http://10.0.0.7:8080"),
                OriginStatus = 200,
                OriginDuration = TimeSpan.FromMilliseconds(10),
                OriginContentSize = 5,
            };
            context.Response.StatusCode = 200;
            context.Response.Headers.ContentType = "text/plain";
            customize(context, feature);
            await context.Response.Body.WriteAsync("hello"u8.ToArray()).AsTask().WaitAsync(Timeout);
            time.Advance(TimeSpan.FromMilliseconds(15));
            logger.Complete(context, feature, scope);
        }

        await logger.DisposeAsync().AsTask().WaitAsync(Timeout);
        return Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Host = new HostString("app.test:8000");
        context.Request.Path = "/hello";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/hello?x=1";
        context.Request.Headers.UserAgent = "curl/8.0";
        context.Request.Headers.Referer = "http://ref.test/";
        context.Request.Headers.Authorization = "Bearer secret";
        context.Request.Headers.Accept = "*/*";
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        context.Connection.RemotePort = 51000;
        return context;
    }
}
