using Remit.Tax;

namespace Remit.Tests.Tax;

/// <summary>
/// The TIN rules against the published patterns: the SSA's (area not 000, 666 or 900–999; group not 00; serial not
/// 0000), the IRS's ITIN ranges (9XX, middle digits 50–65, 70–88, 90–92, 94–99) and its list of EIN prefixes.
/// </summary>
public sealed class TinTests
{
    [Theory]
    [InlineData("123-45-6789")] // the SSA's and IRS's own example layout
    [InlineData("123456789")]
    [InlineData("001-01-0001")]
    [InlineData("665-99-9999")]
    [InlineData("667-01-0001")]
    [InlineData("899-99-9999")]
    [InlineData("078 05 1120")]
    public void Valid_ssns(string ssn) => Assert.Null(Tin.Problem(Tin.Ssn, ssn));

    [Theory]
    [InlineData("000-12-3456", "000")]
    [InlineData("666-12-3456", "666")]
    [InlineData("900-12-3456", "9")]
    [InlineData("999-12-3456", "9")]
    [InlineData("123-00-4567", "00")]
    [InlineData("123-45-0000", "0000")]
    [InlineData("12-345-678", "nine digits")]
    [InlineData("123-45-678A", "nine digits")]
    [InlineData("1234567890", "nine digits")]
    public void Invalid_ssns(string ssn, string named) => Assert.Contains(named, Tin.Problem(Tin.Ssn, ssn));

    [Theory]
    [InlineData("912-70-1234")] // the IRS's example layout 9XX-7X-XXXX
    [InlineData("900-50-0000")]
    [InlineData("999-65-1234")]
    [InlineData("912-88-1234")]
    [InlineData("912-90-1234")]
    [InlineData("912-92-1234")]
    [InlineData("912-94-1234")]
    [InlineData("912991234")]
    public void Valid_itins(string itin) => Assert.Null(Tin.Problem(Tin.Itin, itin));

    [Theory]
    [InlineData("812-70-1234")]
    [InlineData("912-49-1234")]
    [InlineData("912-66-1234")]
    [InlineData("912-69-1234")]
    [InlineData("912-89-1234")]
    [InlineData("912-93-1234")]
    [InlineData("912-00-1234")]
    public void Invalid_itins(string itin) => Assert.NotNull(Tin.Problem(Tin.Itin, itin));

    [Theory]
    [InlineData("12-3456789")] // the IRS's example layout (prefix 12: Andover)
    [InlineData("01-0000001")]
    [InlineData("06-1234567")]
    [InlineData("20-1234567")] // Internet
    [InlineData("31-1234567")] // SBA
    [InlineData("46-1234567")]
    [InlineData("68-1234567")]
    [InlineData("77-1234567")]
    [InlineData("88-1234567")]
    [InlineData("95-1234567")]
    [InlineData("98-1234567")]
    [InlineData("991234567")]
    public void Valid_eins(string ein) => Assert.Null(Tin.Problem(Tin.Ein, ein));

    [Theory]
    [InlineData("00-1234567")]
    [InlineData("07-1234567")]
    [InlineData("08-1234567")]
    [InlineData("09-1234567")]
    [InlineData("17-1234567")]
    [InlineData("18-1234567")]
    [InlineData("19-1234567")]
    [InlineData("28-1234567")]
    [InlineData("29-1234567")]
    [InlineData("49-1234567")]
    [InlineData("69-1234567")]
    [InlineData("70-1234567")]
    [InlineData("78-1234567")]
    [InlineData("79-1234567")]
    [InlineData("89-1234567")]
    [InlineData("96-1234567")]
    [InlineData("97-1234567")]
    [InlineData("12-345678")]
    public void Invalid_eins(string ein) => Assert.NotNull(Tin.Problem(Tin.Ein, ein));

    [Fact]
    public void Tins_are_kept_as_digits_and_shown_masked()
    {
        Assert.Equal("123456789", Tin.Digits("123-45-6789"));
        Assert.Equal("123456789", Tin.Digits("12-3456789"));
        Assert.Equal("123456789", Tin.Digits(" 123 45 6789 "));
        Assert.Null(Tin.Digits("123-45-678"));
        Assert.Equal("•••-••-6789", Tin.Mask(Tin.Ssn, "6789"));
        Assert.Equal("••-•••6789", Tin.Mask(Tin.Ein, "6789"));
        Assert.Equal("12-3456789", Tin.Format(Tin.Ein, "123456789"));
        Assert.Equal("123-45-6789", Tin.Format(Tin.Ssn, "123456789"));
    }

    [Theory]
    [InlineData("DE 123/456/78901", true)]
    [InlineData("AB123456C", true)] // a UK National Insurance number
    [InlineData("12345678901", true)]
    [InlineData("--", false)]
    [InlineData("123<script>", false)]
    public void Foreign_tins(string ftin, bool valid) => Assert.Equal(valid, Tin.ForeignProblem(ftin) is null);
}
