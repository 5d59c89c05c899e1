using Microsoft.Extensions.Time.Testing;
using Remit.Tax;

namespace Remit.Tests.Tax;

/// <summary>
/// A W-8 is good until the last day of the third calendar year after the year it was signed, and counts as expiring
/// in its last 90 days; a W-9 does not expire. Checked around year ends with a fake clock (UTC).
/// </summary>
public sealed class TaxFormExpiryTests
{
    [Theory]
    [InlineData("2026-01-01T00:00:00Z", "2029-12-31")]
    [InlineData("2026-12-31T23:59:59Z", "2029-12-31")]
    [InlineData("2027-01-01T00:00:00Z", "2030-12-31")]
    [InlineData("2024-02-29T12:00:00Z", "2027-12-31")]
    public void A_w8_expires_on_the_last_day_of_the_third_year_after_signing(string signedAt, string expires)
    {
        var signed = DateTimeOffset.Parse(signedAt, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime;
        Assert.Equal(DateOnly.Parse(expires, System.Globalization.CultureInfo.InvariantCulture), TaxFormKinds.ExpiresOn(TaxFormKinds.W8Ben, signed));
        Assert.Equal(DateOnly.Parse(expires, System.Globalization.CultureInfo.InvariantCulture), TaxFormKinds.ExpiresOn(TaxFormKinds.W8BenE, signed));
        Assert.Null(TaxFormKinds.ExpiresOn(TaxFormKinds.W9, signed));
    }

    [Theory]
    [InlineData("2029-10-02T23:59:59Z", "valid")] // 90 days before 2029-12-31 is 2029-10-02
    [InlineData("2029-10-03T00:00:00Z", "expiring")]
    [InlineData("2029-12-31T23:59:59Z", "expiring")] // its last day still counts
    [InlineData("2030-01-01T00:00:00Z", "expired")]
    public void Around_the_year_end_a_w8_goes_from_valid_to_expiring_to_expired(string now, string status)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        var expires = TaxFormKinds.ExpiresOn(TaxFormKinds.W8Ben, new DateTime(2026, 12, 31, 23, 0, 0, DateTimeKind.Utc));
        Assert.Equal(status, TaxFormStatus.Of(TaxFormStatus.Valid, expires, TaxForms.Today(clock)));
        Assert.Equal(status is "valid" or "expiring", TaxFormStatus.Counts(TaxFormStatus.Of(TaxFormStatus.Valid, expires, TaxForms.Today(clock))));
    }

    [Fact]
    public void An_invalid_or_superseded_form_keeps_its_status_whatever_the_date()
    {
        var today = new DateOnly(2027, 6, 1);
        Assert.Equal("invalid", TaxFormStatus.Of(TaxFormStatus.Invalid, null, today));
        Assert.Equal("superseded", TaxFormStatus.Of(TaxFormStatus.Superseded, new DateOnly(2020, 12, 31), today));
        Assert.Equal("valid", TaxFormStatus.Of(TaxFormStatus.Valid, null, new DateOnly(2099, 1, 1)));
    }
}
