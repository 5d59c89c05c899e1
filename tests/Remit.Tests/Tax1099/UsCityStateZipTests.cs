using Remit.Tax1099;

namespace Remit.Tests.Tax1099;

/// <summary>W-9 line 6 split into the city, state and ZIP the IRIS files want, or refused rather than guessed.</summary>
public sealed class UsCityStateZipTests
{
    [Theory]
    [InlineData("Austin, TX 73301", "Austin", "TX", "73301")]
    [InlineData("Austin TX 73301-1234", "Austin", "TX", "733011234")]
    [InlineData("St. Louis, Mo 63101", "St. Louis", "MO", "63101")]
    [InlineData("  New York,NY  100011234 ", "New York", "NY", "100011234")]
    public void A_typed_line_6_reads_as_city_state_and_zip(string line, string city, string state, string zip)
    {
        Assert.True(UsCityStateZip.TryParse(line, out var c, out var s, out var z));
        Assert.Equal((city, state, zip), (c, s, z));
    }

    [Theory]
    [InlineData("Austin")]
    [InlineData("Austin, Texas 73301")]
    [InlineData("Austin, TX 7330")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused(string? line) => Assert.False(UsCityStateZip.TryParse(line, out _, out _, out _));
}
