using System.Text;

namespace Portico.Routing.Rules;

/// <summary>Traefik's router priority: the rule's length in bytes unless an explicit non-zero priority is set.</summary>
internal static class RulePriority
{
    /// <summary>Length of <paramref name="rule"/> in UTF-8 bytes (whitespace counts).</summary>
    public static int Default(string rule) => Encoding.UTF8.GetByteCount(rule);

    /// <summary><paramref name="explicitPriority"/> when non-zero (negative allowed), otherwise <see cref="Default"/>.</summary>
    public static int Effective(string rule, int explicitPriority) => explicitPriority != 0 ? explicitPriority : Default(rule);
}
