using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Portico.Configuration.Static;
using Portico.Runtime;
using Portico.Services;

namespace Portico.Api;

/// <summary>
/// <c>api@internal</c>: Traefik's read API under <c>api.basePath</c> — <c>/api/version</c>, <c>/api/overview</c>,
/// <c>/api/rawdata</c>, <c>/api/entrypoints</c>, <c>/api/http/{routers,services,middlewares}[/{name}]</c>.
/// </summary>
internal sealed class ApiService : IHttpService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Converters = { new ConfigNodeJsonConverter(), new SourceLocationJsonConverter(), new GoDurationJsonConverter() },

        // Rules are full of backticks; write them as they are, as Traefik does.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly RuntimeHolder _holder;
    private readonly StaticConfig _static;
    private readonly string _basePath;
    private readonly Providers.Acme.AcmeStatusBoard? _acmeStatus;

    public ApiService(RuntimeHolder holder, StaticConfig staticConfig, Providers.Acme.AcmeStatusBoard? acmeStatus = null)
    {
        _holder = holder;
        _acmeStatus = acmeStatus;
        _static = staticConfig;
        _basePath = (staticConfig.Api?.BasePath ?? "/").TrimEnd('/');
    }

    public string Name => "api@internal";

    public bool IsHealthy => true;

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (_basePath.Length > 0 && path.StartsWith(_basePath, StringComparison.Ordinal))
        {
            path = path[_basePath.Length..];
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }

        var snapshot = _holder.Current;
        var status = snapshot.Status;
        object? body = path switch
        {
            "/api/version" => new { Version = VersionInfo.Version, Codename = VersionInfo.Codename, StartDate = VersionInfo.StartDate },
            "/api/overview" => Overview(status, _static.AccessLog is not null),
            "/api/rawdata" => RawData(snapshot),
            "/api/entrypoints" => EntryPoints().ToArray(),
            "/api/http/routers" => status.Routers.Select(ApiModels.Router).ToArray(),
            "/api/http/services" => status.Services.Select(s => ApiModels.Service(s, snapshot)).ToArray(),
            "/api/http/middlewares" => status.Middlewares.Select(ApiModels.Middleware).ToArray(),
            "/api/tcp/routers" => status.TcpRouters.Select(ApiModels.TcpRouter).ToArray(),
            "/api/tcp/services" => status.TcpServices.Select(s => ApiModels.TcpService(s, snapshot)).ToArray(),
            "/api/udp/routers" => status.UdpRouters.Select(ApiModels.UdpRouter).ToArray(),
            "/api/udp/services" => status.UdpServices.Select(ApiModels.UdpService).ToArray(),
            "/api/certificates" => _holder.Current.Tls.Certificates.Select(ApiModels.Certificate).ToArray(),
            "/api/acme" => (_acmeStatus?.Snapshot() ?? []).Select(ApiModels.AcmeDomain).ToArray(),
            _ => Single(path, snapshot),
        };

        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsJsonAsync(new { message = "not found" }, Json);
        }

        return context.Response.WriteAsJsonAsync(body, body.GetType(), Json);
    }

    private object? Single(string path, RuntimeSnapshot snapshot)
    {
        var status = snapshot.Status;
        if (TryName(path, "/api/http/routers/", out var name))
        {
            return status.Routers.Where(r => r.Name == name).Select(ApiModels.Router).FirstOrDefault();
        }

        if (TryName(path, "/api/http/services/", out name))
        {
            return status.Services.Where(s => s.Name == name).Select(s => ApiModels.Service(s, snapshot)).FirstOrDefault();
        }

        if (TryName(path, "/api/http/middlewares/", out name))
        {
            return status.Middlewares.Where(m => m.Name == name).Select(ApiModels.Middleware).FirstOrDefault();
        }

        if (TryName(path, "/api/tcp/routers/", out name))
        {
            return status.TcpRouters.Where(r => r.Name == name).Select(ApiModels.TcpRouter).FirstOrDefault();
        }

        if (TryName(path, "/api/tcp/services/", out name))
        {
            return status.TcpServices.Where(s => s.Name == name).Select(s => ApiModels.TcpService(s, snapshot)).FirstOrDefault();
        }

        if (TryName(path, "/api/udp/routers/", out name))
        {
            return status.UdpRouters.Where(r => r.Name == name).Select(ApiModels.UdpRouter).FirstOrDefault();
        }

        if (TryName(path, "/api/udp/services/", out name))
        {
            return status.UdpServices.Where(s => s.Name == name).Select(ApiModels.UdpService).FirstOrDefault();
        }

        if (TryName(path, "/api/entrypoints/", out name))
        {
            return EntryPoints().FirstOrDefault(e => e.Name == name);
        }

        return null;
    }

    private static bool TryName(string path, string prefix, out string name)
    {
        name = string.Empty;
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || path.Length == prefix.Length)
        {
            return false;
        }

        name = Uri.UnescapeDataString(path[prefix.Length..]);
        return true;
    }

    private IEnumerable<ApiModels.EntryPointModel> EntryPoints() =>
        (_static.EntryPoints ?? new Dictionary<string, EntryPointConfig>())
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new ApiModels.EntryPointModel(e.Key, e.Value.Address, e.Value.AsDefault, e.Value.Transport, e.Value.ForwardedHeaders, e.Value.Http));

    private static object Overview(RuntimeStatus status, bool accessLog) => new
    {
        Http = new
        {
            Routers = ApiModels.Counts(status.Routers.Select(r => r.Status)),
            Services = ApiModels.Counts(status.Services.Select(s => s.Status)),
            Middlewares = ApiModels.Counts(status.Middlewares.Select(m => m.Status)),
        },
        Tcp = new
        {
            Routers = ApiModels.Counts(status.TcpRouters.Select(r => r.Status)),
            Services = ApiModels.Counts(status.TcpServices.Select(s => s.Status)),
            Middlewares = ApiModels.Counts([]),
        },
        Udp = new
        {
            Routers = ApiModels.Counts(status.UdpRouters.Select(r => r.Status)),
            Services = ApiModels.Counts(status.UdpServices.Select(s => s.Status)),
        },
        Features = new { Tracing = string.Empty, Metrics = string.Empty, AccessLog = accessLog },
        Providers = status.Routers.Select(r => r.Provider).Concat(status.Services.Select(s => s.Provider))
            .Where(p => p != "internal").Distinct().Order(StringComparer.Ordinal).ToArray(),
    };

    private static object RawData(RuntimeSnapshot snapshot) => new
    {
        Routers = snapshot.Status.Routers.ToDictionary(r => r.Name, ApiModels.Router),
        Services = snapshot.Status.Services.ToDictionary(s => s.Name, s => ApiModels.Service(s, snapshot)),
        Middlewares = snapshot.Status.Middlewares.ToDictionary(m => m.Name, ApiModels.Middleware),
    };
}
