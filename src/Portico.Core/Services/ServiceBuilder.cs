using Microsoft.Extensions.Logging;
using Portico.Configuration.Dynamic;
using Portico.Forwarding;
using Portico.Services.Composite;
using Portico.Services.Sticky;

namespace Portico.Services;

/// <summary>
/// Builds every HTTP service of a configuration. Each service is validated on its own: a bad one (and every
/// composite that needs it) is reported and left out, the rest is built. Load balancers whose configuration,
/// client and forwarding options did not change keep their live state from the previous build.
/// </summary>
internal sealed partial class ServiceBuilder
{
    private readonly IHttpForwarder _forwarder;
    private readonly Func<string?, HttpMessageInvoker> _clients;
    private readonly Func<string?, ForwarderOptions>? _transportOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Random _random;

    /// <summary>
    /// Wraps each built service before parents and routers see it (its own middlewares): returns the service to use, or
    /// null with an error when the wrapping failed. Null leaves services as built.
    /// </summary>
    public Func<string, ServiceConfig, IHttpService, (IHttpService? Service, string? Error)>? Decorate { get; init; }

    /// <param name="clients">The pooled client of a servers transport by qualified name (null: the default transport).</param>
    /// <param name="transportOptions">Forwarding options that come from a servers transport (timeouts, HTTP/2); default when null.</param>
    /// <param name="random">The random source of <c>p2c</c>; <see cref="Random.Shared"/> when null.</param>
    public ServiceBuilder(IHttpForwarder forwarder, Func<string?, HttpMessageInvoker> clients, TimeProvider time, ILoggerFactory loggerFactory,
        Func<string?, ForwarderOptions>? transportOptions = null, Random? random = null)
    {
        _forwarder = forwarder;
        _clients = clients;
        _transportOptions = transportOptions;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Portico.Services");
        _random = random ?? Random.Shared;
    }

    /// <summary>
    /// Builds the services. Health checks of new load balancers start now; those of <paramref name="previous"/>
    /// that were not reused are stopped.
    /// </summary>
    public ServiceBuildResult Build(IReadOnlyDictionary<string, ServiceConfig> configs, ServiceBuildResult? previous)
    {
        var run = new BuildRun(this, configs, previous);
        foreach (var name in configs.Keys)
        {
            run.Resolve(name);
        }

        foreach (var entry in run.LoadBalancers.Values)
        {
            entry.State.Start();
        }

        // Whatever the previous build still owns was removed or changed: stop its timers.
        previous?.Dispose();
        return new ServiceBuildResult(run.Built, run.Errors, run.LoadBalancers);
    }

    /// <summary>
    /// Qualifies a reference made from service <paramref name="parent"/>: <c>x@p</c> stays as is, a plain <c>x</c>
    /// lives in the parent's provider.
    /// </summary>
    public static string Qualify(string reference, string parent)
    {
        if (reference.Contains('@', StringComparison.Ordinal))
        {
            return reference;
        }

        var at = parent.LastIndexOf('@');
        return at < 0 ? reference : string.Concat(reference, parent.AsSpan(at));
    }

    /// <summary>The state of one <see cref="Build"/> call: memoized results and the cycle guard.</summary>
    private sealed partial class BuildRun(ServiceBuilder owner, IReadOnlyDictionary<string, ServiceConfig> configs, ServiceBuildResult? previous)
    {
        private readonly HashSet<string> _visiting = new(StringComparer.Ordinal);
        private readonly List<string> _path = [];
        private readonly Dictionary<string, string> _failed = new(StringComparer.Ordinal);

        public Dictionary<string, IHttpService> Built { get; } = new(StringComparer.Ordinal);

        public List<ServiceBuildError> Errors { get; } = [];

        public Dictionary<string, ReusableLoadBalancer> LoadBalancers { get; } = new(StringComparer.Ordinal);

        /// <summary>Builds a service (once); returns null and records why when it cannot be built.</summary>
        public IHttpService? Resolve(string name)
        {
            if (Built.TryGetValue(name, out var done))
            {
                return done;
            }

            if (_failed.ContainsKey(name) || !configs.TryGetValue(name, out var config))
            {
                return null;
            }

            if (!_visiting.Add(name))
            {
                Fail(name, "circular reference between services: " + string.Join(" -> ", _path[_path.IndexOf(name)..]) + " -> " + name);
                return null;
            }

            _path.Add(name);
            try
            {
                var service = BuildOne(name, config, out var error);
                if (service is not null && owner.Decorate is { } decorate)
                {
                    (service, error) = decorate(name, config, service!);
                }

                if (service is null)
                {
                    Fail(name, error!);
                    return null;
                }

                Built[name] = service;
                return service;
            }
            finally
            {
                _visiting.Remove(name);
                _path.RemoveAt(_path.Count - 1);
            }
        }

        private void Fail(string name, string message)
        {
            if (_failed.TryAdd(name, message))
            {
                Errors.Add(new ServiceBuildError(name, message));
            }
        }

        private IHttpService? BuildOne(string name, ServiceConfig config, out string? error)
        {
            var kinds = (config.LoadBalancer is null ? 0 : 1) + (config.Weighted is null ? 0 : 1) + (config.Mirroring is null ? 0 : 1) +
                (config.Failover is null ? 0 : 1) + (config.HighestRandomWeight is null ? 0 : 1);
            if (kinds != 1)
            {
                error = kinds == 0
                    ? "the service has no type: set one of loadBalancer, weighted, mirroring, failover, highestRandomWeight"
                    : "the service has more than one type: set only one of loadBalancer, weighted, mirroring, failover, highestRandomWeight";
                return null;
            }

            if (config.HighestRandomWeight is not null)
            {
                error = "highestRandomWeight services are not supported yet (use a loadBalancer with strategy hrw)";
                return null;
            }

            if (config.LoadBalancer is { } lb)
            {
                return BuildLoadBalancer(name, lb, out error);
            }

            if (config.Weighted is { } weighted)
            {
                return BuildWeighted(name, weighted, out error);
            }

            return config.Mirroring is { } mirroring ? BuildMirroring(name, mirroring, out error) : BuildFailover(name, config.Failover!, out error);
        }

        /// <summary>Resolves a child reference; the error names the child and why it is unusable.</summary>
        private IHttpService? Child(string parent, string? reference, string role, bool parentFollowsHealth, out string? error)
        {
            if (string.IsNullOrWhiteSpace(reference))
            {
                error = $"{role}: a service name is required";
                return null;
            }

            var qualified = Qualify(reference, parent);
            if (!configs.TryGetValue(qualified, out var childConfig))
            {
                error = $"{role}: service \"{qualified}\" does not exist";
                return null;
            }

            var child = Resolve(qualified);
            if (child is null)
            {
                error = _failed.TryGetValue(qualified, out var why) && why.StartsWith("circular", StringComparison.Ordinal)
                    ? why
                    : $"{role}: service \"{qualified}\" is invalid";
                return null;
            }

            // Traefik: a service with healthCheck needs every descendant to report health, or it fails to build.
            if (parentFollowsHealth && !ReportsHealth(childConfig))
            {
                error = $"{role}: healthCheck is enabled but service \"{qualified}\" has no health check to follow";
                return null;
            }

            error = null;
            return child;
        }

        private static bool ReportsHealth(ServiceConfig config) =>
            config.LoadBalancer is { } lb ? lb.HealthCheck is not null || lb.PassiveHealthCheck is not null :
            config.Weighted?.HealthCheck is not null || config.Mirroring?.HealthCheck is not null || config.Failover?.HealthCheck is not null;

        private ILogger Logger => owner._logger;

        private WeightedService? BuildWeighted(string name, WeightedConfig config, out string? error)
        {
            var follow = config.HealthCheck is not null;
            var children = new List<(IHttpService, int)>();
            var names = new List<string>();
            foreach (var reference in config.Services)
            {
                var weight = reference.Weight ?? 1;
                if (weight < 0)
                {
                    error = $"weighted service \"{reference.Name}\": weight must not be negative";
                    return null;
                }

                var child = Child(name, reference.Name, "weighted", follow, out error);
                if (child is null)
                {
                    return null;
                }

                if (weight > 0)
                {
                    children.Add((child, weight));
                    names.Add(reference.Name!);
                }
            }

            // Traefik's weighted cookie names the child as written in the configuration.
            var sticky = config.Sticky?.Cookie is { } cookie ? new StickySelector(new StickyCookie(cookie, name), names) : null;
            error = null;
            return new WeightedService(name, children, follow, sticky, Logger);
        }

        private MirroringService? BuildMirroring(string name, MirroringConfig config, out string? error)
        {
            var main = Child(name, config.Service, "mirroring service", config.HealthCheck is not null, out error);
            if (main is null)
            {
                return null;
            }

            var mirrors = new List<(IHttpService, int)>();
            foreach (var mirror in config.Mirrors)
            {
                if (mirror.Percent is < 0 or > 100)
                {
                    error = $"mirror \"{mirror.Name}\": percent must be between 0 and 100";
                    return null;
                }

                var service = Child(name, mirror.Name, "mirror", parentFollowsHealth: false, out error);
                if (service is null)
                {
                    return null;
                }

                mirrors.Add((service, mirror.Percent));
            }

            if (mirrors.Count > 64)
            {
                error = "a mirroring service supports at most 64 mirrors";
                return null;
            }

            return new MirroringService(name, main, mirrors, config.MirrorBody, config.MaxBodySize, Logger);
        }

        private FailoverService? BuildFailover(string name, FailoverConfig config, out string? error)
        {
            var follow = config.HealthCheck is not null;
            var main = Child(name, config.Service, "failover service", follow, out error);
            var fallback = main is null ? null : Child(name, config.Fallback, "failover fallback", follow, out error);
            if (main is null || fallback is null)
            {
                return null;
            }

            StatusRanges? errors = null;
            if (config.Errors is { Status.Count: > 0 } errorsConfig)
            {
                errors = StatusRanges.TryParse(errorsConfig.Status, out error);
                if (errors is null)
                {
                    return null;
                }
            }

            return new FailoverService(name, main, fallback, errors, config.Errors?.MaxRequestBodyBytes ?? -1, Logger);
        }
    }
}
