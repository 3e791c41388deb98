using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

public sealed record ProvidersConfig
{
    public TimeSpan ProvidersThrottleDuration { get; init; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<string>? Precedence { get; init; }

    public FileProviderConfig? File { get; init; }

    public ConfigNode? Docker { get; init; }

    public ConfigNode? Swarm { get; init; }

    public ConfigNode? KubernetesIngress { get; init; }

    public ConfigNode? KubernetesIngressNGINX { get; init; }

    public ConfigNode? KubernetesCRD { get; init; }

    public ConfigNode? KubernetesGateway { get; init; }

    public ConfigNode? Knative { get; init; }

    public ConfigNode? Rest { get; init; }

    public ConfigNode? ConsulCatalog { get; init; }

    public ConfigNode? Nomad { get; init; }

    public ConfigNode? Ecs { get; init; }

    public ConfigNode? Consul { get; init; }

    public ConfigNode? Etcd { get; init; }

    public ConfigNode? ZooKeeper { get; init; }

    public ConfigNode? Redis { get; init; }

    public ConfigNode? Http { get; init; }

    public ConfigNode? Plugin { get; init; }
}

public sealed record FileProviderConfig
{
    public string? Filename { get; init; }

    public string? Directory { get; init; }

    public bool Watch { get; init; } = true;

    public bool DebugLogGeneratedTemplate { get; init; }
}
