using System.Collections.Frozen;

namespace Portico.Middlewares;

/// <summary>Every middleware type this build knows, found by reflection over the assembly once.</summary>
internal sealed class MiddlewareRegistry
{
    public static readonly MiddlewareRegistry Default = new(Discover());

    private readonly FrozenDictionary<string, IMiddlewareFactory> _factories;

    public MiddlewareRegistry(IEnumerable<IMiddlewareFactory> factories)
    {
        _factories = factories.ToFrozenDictionary(f => f.TypeName, StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<string> TypeNames => _factories.Keys;

    public bool TryGet(string typeName, out IMiddlewareFactory factory) => _factories.TryGetValue(typeName, out factory!);

    private static IEnumerable<IMiddlewareFactory> Discover() =>
        typeof(MiddlewareRegistry).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IMiddlewareFactory).IsAssignableFrom(t))
            .Select(t => (IMiddlewareFactory)Activator.CreateInstance(t)!);
}
