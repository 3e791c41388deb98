using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Portico.Routing;

namespace Portico.Tests.Routing;

/// <summary>Builds <see cref="RoutingRequest"/>s from real <see cref="DefaultHttpContext"/>s.</summary>
internal static class TestRequests
{
    /// <param name="target">The raw request target as sent (path and query), e.g. <c>/foo%20bar?a=1</c>.</param>
    public static RoutingRequest Create(
        string host = "example.com",
        string target = "/",
        string method = "GET",
        string? ip = "10.0.0.1",
        params (string Name, string Value)[] headers)
    {
        var context = Context(host, target, method, ip, headers);
        return RoutingRequest.From(context);
    }

    public static DefaultHttpContext Context(string host, string target, string method = "GET", string? ip = null, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        if (host.Length > 0)
        {
            request.Host = new HostString(host);
        }

        var q = target.IndexOf('?');
        var path = q < 0 ? target : target[..q];
        request.Path = PathString.FromUriComponent(path);
        if (q >= 0)
        {
            request.QueryString = new QueryString(target[q..]);
        }

        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        foreach (var (name, value) in headers)
        {
            request.Headers.Append(name, value);
        }

        context.Connection.RemoteIpAddress = ip is null ? null : IPAddress.Parse(ip);
        return context;
    }
}
