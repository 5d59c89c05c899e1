using Microsoft.Extensions.Configuration;
using Remit.Hosting;
using Remit.Tax1099;

namespace Remit.Tests.Tax1099;

/// <summary>The year table of 1099-NEC thresholds: $600 through 2025, $2,000 from 2026, the last figure afterwards.</summary>
public sealed class NecThresholdsTests
{
    private static NecThresholds FromSettings(params (string Key, string Value)[] settings) => NecThresholds.FromConfiguration(
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{NecThresholds.Section}:{s.Key}", s.Value))).Build());

    [Fact]
    public void Six_hundred_dollars_through_2025_two_thousand_from_2026_and_the_last_figure_after()
    {
        var table = new NecThresholds();
        Assert.Equal(600_00, table.CentsFor(2020));
        Assert.Equal(600_00, table.CentsFor(2025));
        Assert.Equal(2_000_00, table.CentsFor(2026));
        Assert.Equal(2_000_00, table.CentsFor(2027));
        Assert.Equal(2_000_00, table.CentsFor(2035));
    }

    [Fact]
    public void A_payee_at_the_threshold_files_and_a_cent_below_does_not()
    {
        var table = new NecThresholds();
        Assert.False(table.Reaches(2026, 1_999_99));
        Assert.True(table.Reaches(2026, 2_000_00));
        Assert.True(table.Reaches(2025, 600_00));
        Assert.False(table.Reaches(2025, 599_99));
        // The same $1,999.99 filed in 2025.
        Assert.True(table.Reaches(2025, 1_999_99));
    }

    [Fact]
    public void A_configured_year_sets_that_year_and_holds_for_the_years_after_it()
    {
        var table = FromSettings(("2027", "2050.50"));
        Assert.Equal(2_000_00, table.CentsFor(2026));
        Assert.Equal(2_050_50, table.CentsFor(2027));
        Assert.Equal(2_050_50, table.CentsFor(2030));
        Assert.Equal(700_00, FromSettings(("2025", "700")).CentsFor(2025));
    }

    [Theory]
    [InlineData("twenty", "2000")]
    [InlineData("2027", "-5")]
    [InlineData("2027", "2000.001")]
    [InlineData("2027", "lots")]
    public void A_wrong_setting_stops_the_start_naming_it(string key, string value)
    {
        var e = Assert.Throws<SettingException>(() => FromSettings((key, value)));
        Assert.Contains($"Remit:Tax:Thresholds:{key}", e.Message);
    }
}
