using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portico.Configuration;
using Portico.Configuration.Parsing;

namespace Portico.Middlewares;

/// <summary>What a middleware factory gets: its qualified name, its raw options and where to report problems.</summary>
internal sealed class MiddlewareContext
{
    public required string Name { get; init; }

    public required string TypeName { get; init; }

    public required ConfigNode Options { get; init; }

    public required List<ConfigError> Errors { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    /// <summary>The provider of this middleware, which also qualifies the plain names it references (<c>auth</c> → <c>auth@file</c>).</summary>
    public string Provider => Runtime.MergedConfig.ProviderOf(Name);

    /// <summary>The router this instance serves (each router gets its own instances); null when only validating.</summary>
    public string? Router { get; init; }

    /// <summary>Finds a built service by qualified name (for <c>errors</c>, mirroring-like middlewares); null when it does not exist.</summary>
    public Func<string, Services.IHttpService?> ResolveService { get; init; } = _ => null;

    /// <summary>
    /// Builds a new instance of another middleware by qualified name (for <c>chain</c>); null when it is missing,
    /// invalid or would close a reference cycle, and then its own error says why.
    /// </summary>
    public Func<string, Func<RequestDelegate, RequestDelegate>?> ResolveMiddleware { get; init; } = _ => null;

    /// <summary>Where state that must survive reloads lives; see <see cref="GetState"/>.</summary>
    public MiddlewareStateStore? StateStore { get; init; }

    /// <summary>
    /// State kept across reloads while this middleware's options do not change (rate-limit buckets, breaker windows):
    /// one per middleware, router and <paramref name="purpose"/>. Without a store (validation only) it is always new.
    /// </summary>
    public T GetState<T>(string purpose, Func<T> create)
        where T : class =>
        StateStore is null ? create() : StateStore.GetOrCreate(Name, Router, purpose, Options, create);

    /// <summary>Qualifies a reference made by this middleware with its provider, unless it names one.</summary>
    public string Qualify(string reference) => Runtime.MergedConfig.Qualify(reference, Provider);

    /// <summary>The item name used in error messages, for example <c>middleware "strip@file"</c>.</summary>
    public string Item => $"middleware \"{Name}\"";

    /// <summary>Binds the options to the factory's options record; unknown keys and bad values become errors.</summary>
    public T Bind<T>()
        where T : new()
    {
        var errors = new List<ConfigError>();
        var options = ConfigBinder.Bind<T>(Options, TypeName, errors);
        foreach (var error in errors)
        {
            Errors.Add(error with { Item = Item, Message = $"{error.Item}: {error.Message}" });
        }

        return options;
    }

    /// <summary>Whether binding or validation has reported a problem: the factory then returns null.</summary>
    public bool HasErrors => Errors.Exists(e => e.Severity == ConfigSeverity.Error);

    /// <summary>Reports something that works but deserves attention (a deprecated name): shown, but nothing is disabled.</summary>
    public void Warn(string message) => Errors.Add(new ConfigError(Item, message, Options.Location, ConfigSeverity.Warning));

    public void Error(string message) => Errors.Add(new ConfigError(Item, message, Options.Location));
}
