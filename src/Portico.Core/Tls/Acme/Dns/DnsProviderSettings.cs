using System.Globalization;

namespace Portico.Tls.Acme.Dns;

/// <summary>
/// Reads a provider's environment variables as lego does: <c>NAME</c>, or else the contents of the file named by
/// <c>NAME_FILE</c>; durations are whole seconds. The lookup is injected so tests pass a dictionary.
/// </summary>
internal sealed class DnsProviderSettings(string provider, Func<string, string?> environment)
{
    public static readonly Func<string, string?> Process = Environment.GetEnvironmentVariable;

    public string? Get(string name)
    {
        if (environment(name) is { Length: > 0 } value)
        {
            return value;
        }

        return environment(name + "_FILE") is { Length: > 0 } file ? File.ReadAllText(file).Trim() : null;
    }

    public string Require(string name) =>
        Get(name) ?? throw new AcmeException($"DNS provider {provider}: the environment variable {name} is not set");

    public TimeSpan GetSeconds(string name, int defaultSeconds)
    {
        if (Get(name) is not { } text)
        {
            return TimeSpan.FromSeconds(defaultSeconds);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : throw new AcmeException($"DNS provider {provider}: {name}=\"{text}\" is not a whole number of seconds");
    }
}
