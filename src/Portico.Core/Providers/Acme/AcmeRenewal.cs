namespace Portico.Providers.Acme;

/// <summary>
/// Traefik's renewal table (pkg/provider/acme, getCertificateRenewDurations): from <c>certificatesDuration</c> (hours),
/// how long before expiry a certificate is renewed, and how often the check runs — which here is also the least time
/// between two renewals of one domain set, so a CA issuing shorter certificates than configured is not hammered.
/// </summary>
internal static class AcmeRenewal
{
    public static (TimeSpan RenewPeriod, TimeSpan CheckInterval) For(int certificatesDuration) => certificatesDuration switch
    {
        >= 365 * 24 => (TimeSpan.FromDays(4 * 30), TimeSpan.FromDays(7)),
        >= 3 * 30 * 24 => (TimeSpan.FromDays(30), TimeSpan.FromDays(1)),
        >= 30 * 24 => (TimeSpan.FromDays(10), TimeSpan.FromHours(12)),
        >= 7 * 24 => (TimeSpan.FromDays(1), TimeSpan.FromHours(1)),
        >= 24 => (TimeSpan.FromHours(6), TimeSpan.FromMinutes(10)),
        _ => (TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1)),
    };
}
