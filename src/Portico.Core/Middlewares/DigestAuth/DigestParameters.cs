namespace Portico.Middlewares.DigestAuth;

/// <summary>Parses <c>Digest k1=v1, k2="v 2"</c> into its parameters (RFC 7616 §3.4, quoted strings with backslash escapes).</summary>
internal static class DigestParameters
{
    /// <summary>The parameters, or null when the header is not a Digest credential.</summary>
    public static Dictionary<string, string>? Parse(string header)
    {
        const string Scheme = "Digest ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = Scheme.Length;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] is ' ' or '\t' or ','))
            {
                i++;
            }

            var nameStart = i;
            while (i < header.Length && header[i] is not ('=' or ',' or ' '))
            {
                i++;
            }

            var name = header[nameStart..i];
            while (i < header.Length && header[i] == ' ')
            {
                i++;
            }

            if (i >= header.Length || header[i] != '=')
            {
                if (name.Length == 0)
                {
                    break;
                }

                return null;
            }

            i++;
            while (i < header.Length && header[i] == ' ')
            {
                i++;
            }

            string value;
            if (i < header.Length && header[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < header.Length && header[i] != '"')
                {
                    if (header[i] == '\\' && i + 1 < header.Length)
                    {
                        i++;
                    }

                    sb.Append(header[i++]);
                }

                if (i >= header.Length)
                {
                    return null;
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < header.Length && header[i] is not (',' or ' '))
                {
                    i++;
                }

                value = header[valueStart..i];
            }

            result[name] = value;
        }

        return result;
    }
}
