namespace Portico.Tcp.Health;

/// <summary>
/// The health verdict of one server of a TCP load balancer. Servers start up (as in Traefik) and only the health
/// checker changes them; the object outlives reloads that leave its service unchanged.
/// </summary>
internal sealed class TcpServerHealth(string address)
{
    private volatile bool _healthy = true;

    public string Address { get; } = address;

    public bool IsHealthy => _healthy;

    /// <summary>Raised on each transition (not on every probe), with the new state.</summary>
    public event Action<TcpServerHealth, bool>? HealthChanged;

    /// <summary>Raised after every check of this server with its verdict (tests await it instead of sleeping).</summary>
    public event Action<TcpServerHealth, bool>? Checked;

    /// <summary>Records a check's verdict; true when it changed the state.</summary>
    public bool Set(bool healthy)
    {
        if (_healthy == healthy)
        {
            return false;
        }

        _healthy = healthy;
        HealthChanged?.Invoke(this, healthy);
        return true;
    }

    /// <summary>Announces that a check of this server finished (after <see cref="Set"/>).</summary>
    public void OnChecked(bool healthy) => Checked?.Invoke(this, healthy);
}
