using System.Globalization;

namespace Portico.Configuration.Parsing;

/// <summary>
/// Reads Traefik-style flags into a <see cref="ConfigNode"/> tree: <c>--entryPoints.web.address=:80</c>,
/// <c>--entryPoints.web.address :80</c>, a bare <c>--api.insecure</c> (the value "true"), a bare section
/// <c>--api</c> (present with defaults), list items by index <c>--entryPoints.web.http.tls.domains[0].main=x</c>
/// and comma-separated lists. <c>--configFile</c> is left to the loader.
/// </summary>
internal static class FlagConfigReader
{
    public static ConfigNode Read(IReadOnlyList<string> args, List<ConfigError> errors)
    {
        var builder = new ConfigTreeBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!TrySplit(arg, out var name, out var value))
            {
                errors.Add(new ConfigError(arg, "unexpected argument: flags look like --section.option=value", new SourceLocation("argument " + arg, 0, 0)));
                continue;
            }

            // A value may also follow as the next argument; a bare flag is the boolean "true".
            if (value is null && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                value = args[++i];
            }

            if (IsConfigFileFlag(name))
            {
                continue;
            }

            var location = new SourceLocation("flag --" + name, 0, 0);
            if (TryParsePath(name, out var path, out var problem))
            {
                builder.Set(path, value ?? "true", location, errors);
            }
            else
            {
                errors.Add(new ConfigError(name, problem, location));
            }
        }

        return builder.Build(errors);
    }

    /// <summary>Splits <c>--name=value</c> (or <c>-name=value</c>); value is null when the flag has no "=".</summary>
    internal static bool TrySplit(string arg, out string name, out string? value)
    {
        name = string.Empty;
        value = null;
        if (!arg.StartsWith('-'))
        {
            return false;
        }

        var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            value = body[(equals + 1)..];
            body = body[..equals];
        }

        name = body;
        return body.Length > 0;
    }

    internal static bool IsConfigFileFlag(string name) => string.Equals(name, "configFile", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>a.b[0].c</c> into segments.</summary>
    internal static bool TryParsePath(string name, out List<PathSegment> path, out string problem)
    {
        path = [];
        problem = string.Empty;
        foreach (var part in name.Split('.'))
        {
            var rest = part;
            var bracket = rest.IndexOf('[', StringComparison.Ordinal);
            var key = bracket >= 0 ? rest[..bracket] : rest;
            if (key.Length == 0)
            {
                problem = $"invalid flag name \"--{name}\": empty segment";
                return false;
            }

            path.Add(PathSegment.OfKey(key));
            rest = bracket >= 0 ? rest[bracket..] : string.Empty;
            while (rest.Length > 0)
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (rest[0] != '[' || close < 0 || !int.TryParse(rest.AsSpan(1, close - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    problem = $"invalid flag name \"--{name}\": list indexes are written [0], [1], ...";
                    return false;
                }

                path.Add(PathSegment.OfIndex(index));
                rest = rest[(close + 1)..];
            }
        }

        return true;
    }
}
