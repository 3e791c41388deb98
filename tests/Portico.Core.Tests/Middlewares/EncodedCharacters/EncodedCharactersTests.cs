using Portico.Tests.Middlewares.Rewriting;

namespace Portico.Tests.Middlewares.EncodedCharacters;

public sealed class EncodedCharactersTests
{
    public static TheoryData<string, string, string, bool> Rows => new()
    {
        { "plain path passes", "{}", "/a/b?x=%2F", true },
        { "decoded escapes pass", "{}", "/a%20b%41", true },
        { "slash rejected by default", "{}", "/a%2Fb", false },
        { "lower-case slash rejected", "{}", "/a%2fb", false },
        { "backslash rejected", "{}", "/a%5Cb", false },
        { "null rejected", "{}", "/a%00b", false },
        { "semicolon rejected", "{}", "/a%3Bb", false },
        { "percent rejected", "{}", "/a%25b", false },
        { "question mark rejected", "{}", "/a%3Fb", false },
        { "hash rejected", "{}", "/a%23b", false },
        { "slash allowed", "{ allowEncodedSlash: true }", "/a%2Fb", true },
        { "allowing slash does not allow hash", "{ allowEncodedSlash: true }", "/a%2Fb%23", false },
        { "a truncated escape at the end is rejected", "{ allowEncodedSlash: true }", "/a%2", false },
        {
            "everything allowed", "{ allowEncodedSlash: true, allowEncodedBackSlash: true, allowEncodedNullCharacter: true, allowEncodedSemicolon: true, allowEncodedPercent: true, allowEncodedQuestionMark: true, allowEncodedHash: true }",
            "/%2F%5C%00%3B%25%3F%23", true
        },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task RejectsForbiddenEncodedCharactersAsync(string scenario, string options, string target, bool passes)
    {
        var context = RewritingHarness.Request(target);
        var passed = await RewritingHarness.RunAsync($"encodedCharacters: {options}", context);

        Assert.True(passes == passed is not null, scenario);
        Assert.Equal(passes ? 200 : 400, context.Response.StatusCode);
    }

    [Fact]
    public async Task ThePathAsRewrittenByEarlierMiddlewaresIsCheckedAsync()
    {
        // replacePath then encodedCharacters in a chain: the escaped path checked is the replaced one, as in Traefik.
        var context = RewritingHarness.Request("/a%2Fb");
        var errors = new List<Portico.Configuration.ConfigError>();
        var replace = RewritingHarness.Build("replacePath:\n  path: /clean", errors)!;
        var check = RewritingHarness.Build("encodedCharacters: {}", errors)!;
        var reached = false;
        await replace(check(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        }))(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(reached);
    }
}
