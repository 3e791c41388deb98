using System.Reflection;

namespace Portico.Api;

internal static class VersionInfo
{
    public static readonly string Version =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "dev";

    public const string Codename = "portico";

    public static readonly DateTimeOffset StartDate = DateTimeOffset.UtcNow;
}
