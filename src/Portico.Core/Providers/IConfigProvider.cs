namespace Portico.Providers;

/// <summary>
/// A source of dynamic configuration. It publishes a complete configuration for its source every time the
/// source changes, and never a partial one.
/// </summary>
internal interface IConfigProvider
{
    /// <summary>The provider name that qualifies item names (<c>file</c> makes <c>whoami@file</c>).</summary>
    string Name { get; }

    /// <summary>Publishes the first configuration, then one per change, until <paramref name="cancellationToken"/> fires.</summary>
    Task RunAsync(Action<ProviderSnapshot> publish, CancellationToken cancellationToken);
}
