using Microsoft.Extensions.Primitives;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class HeaderPolicyTests
{
    [Theory]
    [InlineData("single token", "X-A", "x-a", true)]
    [InlineData("list with spaces", "keep-alive,  X-A , close", "X-A", true)]
    [InlineData("prefix is not a match", "X-AB", "X-A", false)]
    [InlineData("empty", "", "X-A", false)]
    public void IsNominated_MatchesWholeTokens(string scenario, string connection, string header, bool expected)
    {
        _ = scenario;
        Assert.Equal(expected, HeaderPolicy.IsNominated(new StringValues(connection), header));
    }
}
