using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;
using Portico.Services;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    /// <summary>
    /// Builds middleware instances for one router (each router gets its own, as in Traefik). Errors are recorded once
    /// per middleware name; a middleware that references others (<c>chain</c>) builds them through the same object, which
    /// also refuses reference cycles.
    /// </summary>
    private sealed class MiddlewareBuild(
        SnapshotBuilder owner,
        MergedConfig merged,
        Dictionary<string, List<ConfigError>> errorsByName,
        Func<string, IHttpService?> resolveService,
        MiddlewareStateStore? state,
        string? router)
    {
        private readonly List<string> _building = [];

        /// <summary>A new instance of the middleware, or null when it is missing, invalid or part of a cycle.</summary>
        public Func<RequestDelegate, RequestDelegate>? Build(string name)
        {
            if (owner._internal.Middlewares.TryGetValue(name, out var builtIn))
            {
                return builtIn;
            }

            if (!merged.Middlewares.TryGetValue(name, out var provided))
            {
                return null;
            }

            var item = $"middleware \"{name}\"";
            var node = provided.Config;
            if (_building.Contains(name))
            {
                Record(name, [new ConfigError(item, $"reference cycle: {string.Join(" -> ", _building.Append(name))}", node.Location)]);
                return null;
            }

            var errors = new List<ConfigError>();
            Func<RequestDelegate, RequestDelegate>? result = null;
            if (node.Kind != ConfigNodeKind.Mapping || node.Entries.Count != 1)
            {
                errors.Add(new ConfigError(item, "a middleware must have exactly one type (for example stripPrefix)", node.Location));
            }
            else if (!owner._deps.Middlewares.TryGet(node.Entries[0].Key, out var factory))
            {
                var known = string.Join(", ", owner._deps.Middlewares.TypeNames.Order(StringComparer.Ordinal));
                errors.Add(new ConfigError(item, $"unknown middleware type \"{node.Entries[0].Key}\" (this Portico version knows: {known})", node.Location));
            }
            else
            {
                _building.Add(name);
                try
                {
                    result = factory.Create(new MiddlewareContext
                    {
                        Name = name,
                        TypeName = node.Entries[0].Key,
                        Options = node.Entries[0].Value,
                        Errors = errors,
                        Time = owner._deps.Time,
                        LoggerFactory = owner._deps.LoggerFactory,
                        Router = router,
                        ResolveService = resolveService,
                        ResolveMiddleware = Build,
                        StateStore = state,
                    });
                }
                finally
                {
                    _building.RemoveAt(_building.Count - 1);
                }
            }

            Record(name, errors);
            return errors.Exists(e => e.Severity == ConfigSeverity.Error) ? null : result;
        }

        private void Record(string name, List<ConfigError> errors)
        {
            if (!errorsByName.TryGetValue(name, out var known))
            {
                errorsByName[name] = errors;
            }
            else if (!known.Exists(e => e.Severity == ConfigSeverity.Error) && errors.Exists(e => e.Severity == ConfigSeverity.Error))
            {
                known.AddRange(errors);
            }
        }
    }
}
