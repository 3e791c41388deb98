using Portico.Configuration;
using Portico.Configuration.Parsing;
using Portico.Middlewares;

namespace Portico.Tests.Middlewares;

public sealed class MiddlewareStateStoreTests
{
    [Fact]
    public void StateSurvivesAReloadOnlyWhileTheOptionsAreUnchanged()
    {
        var first = new MiddlewareStateStore(null);
        var kept = first.GetOrCreate("limit@file", "r@file", "buckets", Options("average: 10"), () => new State());
        var changed = first.GetOrCreate("other@file", "r@file", "buckets", Options("average: 10"), () => new State());
        var dropped = first.GetOrCreate("gone@file", "r@file", "buckets", Options("average: 10"), () => new State());

        var second = new MiddlewareStateStore(first);
        Assert.Same(kept, second.GetOrCreate("limit@file", "r@file", "buckets", Options("average: 10"), () => new State()));
        Assert.NotSame(changed, second.GetOrCreate("other@file", "r@file", "buckets", Options("average: 20"), () => new State()));
        Assert.NotSame(kept, second.GetOrCreate("limit@file", "other-router@file", "buckets", Options("average: 10"), () => new State()));
        second.ReleasePrevious();

        Assert.False(kept.Disposed);
        Assert.True(changed.Disposed);
        Assert.True(dropped.Disposed);
    }

    private static ConfigNode Options(string yaml) => YamlConfigReader.Read(yaml, "test.yml", new List<ConfigError>())!;

    private sealed class State : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
