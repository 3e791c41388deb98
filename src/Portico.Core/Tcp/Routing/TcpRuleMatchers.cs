using System.Text.RegularExpressions;
using Portico.Routing.Rules;

namespace Portico.Tcp.Routing;

/// <summary>A compiled TCP rule predicate over a connection's first look (SNI, ALPN, client IP).</summary>
internal abstract class TcpRuleMatcher
{
    public abstract bool Matches(TcpConnectionInfo connection);
}

internal sealed class TcpAndMatcher(TcpRuleMatcher left, TcpRuleMatcher right) : TcpRuleMatcher
{
    public override bool Matches(TcpConnectionInfo connection) => left.Matches(connection) && right.Matches(connection);
}

internal sealed class TcpOrMatcher(TcpRuleMatcher left, TcpRuleMatcher right) : TcpRuleMatcher
{
    public override bool Matches(TcpConnectionInfo connection) => left.Matches(connection) || right.Matches(connection);
}

internal sealed class TcpNotMatcher(TcpRuleMatcher operand) : TcpRuleMatcher
{
    public override bool Matches(TcpConnectionInfo connection) => !operand.Matches(connection);
}

/// <summary><c>HostSNI(`*`)</c>: every connection, TLS or not, with or without SNI.</summary>
internal sealed class TcpAnyMatcher : TcpRuleMatcher
{
    public static TcpAnyMatcher Instance { get; } = new();

    public override bool Matches(TcpConnectionInfo connection) => true;
}

/// <summary><c>HostSNI(`a.example.com`)</c>: the ClientHello's server name, case-insensitively, trailing dot ignored.</summary>
internal sealed class TcpHostSniMatcher(string host) : TcpRuleMatcher
{
    public string Host { get; } = host;

    public override bool Matches(TcpConnectionInfo connection) => connection.ServerName.Length > 0 && string.Equals(connection.ServerName, Host, StringComparison.Ordinal);
}

/// <summary><c>HostSNIRegexp</c>: an RE2 pattern run on the lower-cased server name (empty when the client sent none).</summary>
internal sealed class TcpHostSniRegexMatcher(Regex regex) : TcpRuleMatcher
{
    public override bool Matches(TcpConnectionInfo connection) => regex.IsMatch(connection.ServerName);
}

/// <summary><c>ALPN(`h2`)</c>: one of the protocols the client offered, exactly.</summary>
internal sealed class TcpAlpnMatcher(string protocol) : TcpRuleMatcher
{
    public override bool Matches(TcpConnectionInfo connection)
    {
        foreach (var offered in connection.ApplicationProtocols)
        {
            if (string.Equals(offered, protocol, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary><c>ClientIP</c>: the peer address (after PROXY protocol) is inside the network.</summary>
internal sealed class TcpClientIPMatcher(IpNetwork network) : TcpRuleMatcher
{
    public override bool Matches(TcpConnectionInfo connection) => connection.ClientIP is { } ip && network.Contains(ip);
}
