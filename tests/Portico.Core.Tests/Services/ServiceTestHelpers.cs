using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Portico.Configuration.Dynamic;
using Portico.Services;

namespace Portico.Tests.Services;

internal static class ServiceTestHelpers
{
    public static readonly HttpMessageInvoker Client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    public static ServiceBuilder Builder(RecordingForwarder forwarder, TimeProvider time, Random? random = null) =>
        new(forwarder, _ => Client, time, NullLoggerFactory.Instance, random: random);

    public static ServiceConfig Lb(params string[] urls) => new()
    {
        LoadBalancer = new LoadBalancerConfig { Servers = urls.Select(u => new ServerConfig { Url = u }).ToList() },
    };

    public static ServiceConfig Lb(LoadBalancerConfig config) => new() { LoadBalancer = config };

    public static IReadOnlyList<ServerConfig> Servers(params (string Url, int Weight)[] servers) =>
        servers.Select(s => new ServerConfig { Url = s.Url, Weight = s.Weight }).ToList();

    public static DefaultHttpContext Context(string? cookie = null, string ip = "10.0.0.1", string body = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/";
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        context.Response.Body = new MemoryStream();
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        if (body.Length > 0)
        {
            context.Request.Method = "POST";
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
        }

        return context;
    }

    public static string ResponseBody(HttpContext context)
    {
        var stream = (MemoryStream)context.Response.Body;
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static async Task<List<string>> SendAsync(IHttpService service, RecordingForwarder forwarder, int count)
    {
        var before = forwarder.Calls.Count;
        for (var i = 0; i < count; i++)
        {
            await service.HandleAsync(Context()).WaitAsync(TimeSpan.FromSeconds(10));
        }

        return forwarder.Calls.Skip(before).Select(c => c.Destination.Authority).ToList();
    }
}
