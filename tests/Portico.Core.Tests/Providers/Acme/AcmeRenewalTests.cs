using Portico.Providers.Acme;

namespace Portico.Tests.Providers.Acme;

public sealed class AcmeRenewalTests
{
    [Theory]
    [InlineData("one year", 365 * 24, "120.00:00:00", "7.00:00:00")]
    [InlineData("Traefik's default, 90 days", 2160, "30.00:00:00", "1.00:00:00")]
    [InlineData("30 days", 30 * 24, "10.00:00:00", "12:00:00")]
    [InlineData("7 days", 7 * 24, "1.00:00:00", "01:00:00")]
    [InlineData("one day", 24, "06:00:00", "00:10:00")]
    [InlineData("one hour", 1, "00:20:00", "00:01:00")]
    public void CertificatesDuration_maps_to_Traefiks_renew_period_and_check_interval(string scenario, int hours, string renewPeriod, string checkInterval)
    {
        var (renew, interval) = AcmeRenewal.For(hours);

        Assert.True(TimeSpan.Parse(renewPeriod, System.Globalization.CultureInfo.InvariantCulture) == renew, $"{scenario}: renew {renew}");
        Assert.True(TimeSpan.Parse(checkInterval, System.Globalization.CultureInfo.InvariantCulture) == interval, $"{scenario}: interval {interval}");
    }
}
