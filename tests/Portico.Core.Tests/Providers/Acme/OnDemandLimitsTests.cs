using Portico.Providers.Acme;

namespace Portico.Tests.Providers.Acme;

public sealed class OnDemandLimitsTests
{
    [Fact]
    public void The_rate_limiter_allows_a_burst_then_refills_at_burst_per_period()
    {
        var time = new FakeTimeProvider();
        var limiter = new OnDemandRateLimiter(burst: 3, period: TimeSpan.FromMinutes(1), time);

        Assert.True(limiter.TryAcquire());
        Assert.True(limiter.TryAcquire());
        Assert.True(limiter.TryAcquire());
        Assert.False(limiter.TryAcquire());

        // One token every 20 s (3 per minute).
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.False(limiter.TryAcquire());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire());
        Assert.False(limiter.TryAcquire());

        // A long pause refills to the burst, never beyond.
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(limiter.TryAcquire());
        Assert.True(limiter.TryAcquire());
        Assert.True(limiter.TryAcquire());
        Assert.False(limiter.TryAcquire());
    }

    [Fact]
    public void Refusals_are_remembered_for_their_duration_only()
    {
        var time = new FakeTimeProvider();
        var refusals = new OnDemandRefusals(TimeSpan.FromMinutes(5), time);

        refusals.Add("a.example.test");
        Assert.True(refusals.IsRefused("a.example.test"));
        Assert.True(refusals.IsRefused("A.Example.Test"));
        Assert.False(refusals.IsRefused("b.example.test"));

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.True(refusals.IsRefused("a.example.test"));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(refusals.IsRefused("a.example.test"));
        Assert.Equal(0, refusals.Count);
    }

    [Fact]
    public void A_full_refusal_cache_drops_expired_entries_first_and_never_grows_past_its_capacity()
    {
        var time = new FakeTimeProvider();
        var refusals = new OnDemandRefusals(TimeSpan.FromMinutes(1), time, capacity: 2);
        refusals.Add("old.example.test");
        time.Advance(TimeSpan.FromMinutes(2));
        refusals.Add("a.example.test");
        refusals.Add("b.example.test");
        Assert.False(refusals.IsRefused("old.example.test"));
        Assert.True(refusals.IsRefused("a.example.test"));
        Assert.True(refusals.IsRefused("b.example.test"));

        refusals.Add("c.example.test");
        Assert.True(refusals.Count <= 2);
        Assert.True(refusals.IsRefused("c.example.test"));
    }

    [Theory]
    [InlineData("plain name", "app.example.com", true)]
    [InlineData("hyphen inside", "my-app.example.com", true)]
    [InlineData("digits label", "1.example.com", true)]
    [InlineData("empty", "", false)]
    [InlineData("single label", "localhost", false)]
    [InlineData("ipv4", "127.0.0.1", false)]
    [InlineData("ipv6", "::1", false)]
    [InlineData("numeric last label", "1.2.3", false)]
    [InlineData("wildcard", "*.example.com", false)]
    [InlineData("empty label", "a..example.com", false)]
    [InlineData("trailing dot", "example.com.", false)]
    [InlineData("leading hyphen", "-a.example.com", false)]
    [InlineData("underscore", "a_b.example.com", false)]
    [InlineData("upper case (callers lower-case first)", "App.example.com", false)]
    public void Only_syntactically_valid_dns_names_qualify(string scenario, string name, bool expected)
    {
        _ = scenario;
        Assert.Equal(expected, OnDemandNames.IsValid(name));
    }

    [Fact]
    public void Overlong_labels_and_names_do_not_qualify()
    {
        Assert.True(OnDemandNames.IsValid(new string('a', 63) + ".example.com"));
        Assert.False(OnDemandNames.IsValid(new string('a', 64) + ".example.com"));
        Assert.False(OnDemandNames.IsValid(string.Join('.', Enumerable.Repeat(new string('a', 60), 5))));
    }
}
