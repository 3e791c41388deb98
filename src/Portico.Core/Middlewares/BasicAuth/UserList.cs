namespace Portico.Middlewares.BasicAuth;

/// <summary>
/// Reads the user entries of <c>basicAuth</c> and <c>digestAuth</c> as Traefik does: the lines of <c>usersFile</c>
/// (trimmed, without blanks and <c>#</c> comments) followed by the inline <c>users</c>.
/// </summary>
internal static class UserList
{
    /// <summary>Returns every entry, or null after reporting an unreadable file.</summary>
    public static List<string>? Load(IReadOnlyList<string> users, string? usersFile, MiddlewareContext context)
    {
        var entries = new List<string>();
        if (!string.IsNullOrEmpty(usersFile))
        {
            string text;
            try
            {
                text = File.ReadAllText(usersFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                context.Error($"usersFile \"{usersFile}\" cannot be read: {ex.Message}");
                return null;
            }

            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length != 0 && !line.StartsWith('#'))
                {
                    entries.Add(line);
                }
            }
        }

        entries.AddRange(users);
        return entries;
    }

    /// <summary>The user name of an entry for error messages, never its hash.</summary>
    public static string NameOf(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "(entry without ':')" : entry[..colon];
    }
}
