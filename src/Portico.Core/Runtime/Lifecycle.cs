namespace Portico.Runtime;

/// <summary>Process-wide lifecycle flags read by ping and the entry points.</summary>
internal sealed class Lifecycle
{
    private volatile bool _terminating;

    /// <summary>Set when graceful shutdown begins: ping answers its terminating status from then on.</summary>
    public bool IsTerminating => _terminating;

    public void BeginTermination() => _terminating = true;
}
