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
    public bool HasErrors => Errors.Count > 0;

    public void Error(string message) => Errors.Add(new ConfigError(Item, message, Options.Location));
}
