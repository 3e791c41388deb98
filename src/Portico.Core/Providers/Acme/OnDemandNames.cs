using System.Net;

namespace Portico.Providers.Acme;

/// <summary>Which server names on-demand TLS may order a certificate for: syntactically valid DNS names only.</summary>
internal static class OnDemandNames
{
    /// <summary>
    /// At least two labels of letters, digits and inner hyphens (1 to 63 characters each, 253 in all), lower case as the
    /// caller normalized it; no IP address, no wildcard, no trailing dot.
    /// </summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 253 || IPAddress.TryParse(name, out _))
        {
            return false;
        }

        var labels = 0;
        foreach (var range in name.AsSpan().Split('.'))
        {
            var label = name.AsSpan(range);
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    return false;
                }
            }

            labels++;
        }

        // A name of digits only in its last label is no DNS name (an IPv4 address in disguise, e.g. 1.2.3).
        var last = name.AsSpan(name.LastIndexOf('.') + 1);
        return labels >= 2 && last.ContainsAnyExcept("0123456789");
    }
}
