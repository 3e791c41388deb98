using Portico.Routing.Rules;

namespace Portico.Tests.Routing.Rules;

public sealed class RulePriorityTests
{
    [Theory]
    [InlineData("docs host regexp", "HostRegexp(`[a-z]+\\.traefik\\.com`)", 34)]
    [InlineData("docs host", "Host(`foobar.traefik.com`)", 26)]
    [InlineData("whitespace counts", "Host(`a`)  &&  Path(`/`)", 24)]
    [InlineData("bytes not chars", "Path(`/é`)", 11)]
    public void DefaultIsByteLength(string scenario, string rule, int expected)
    {
        Assert.True(scenario.Length > 0);
        Assert.Equal(expected, RulePriority.Default(rule));
    }

    [Theory]
    [InlineData("zero means default", 0, 9)]
    [InlineData("explicit wins", 100, 100)]
    [InlineData("negative allowed", -5, -5)]
    public void Effective(string scenario, int explicitPriority, int expected)
    {
        Assert.True(scenario.Length > 0);
        Assert.Equal(expected, RulePriority.Effective("Host(`a`)", explicitPriority));
    }
}
