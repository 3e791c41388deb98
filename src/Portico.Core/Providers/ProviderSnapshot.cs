using Portico.Configuration;
using Portico.Configuration.Dynamic;

namespace Portico.Providers;

/// <summary>One provider's complete configuration and the problems found while reading it.</summary>
internal sealed record ProviderSnapshot(string Provider, DynamicConfig Config, IReadOnlyList<ConfigError> Errors);
