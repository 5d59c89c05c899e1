using System.Text.RegularExpressions;
using Remit.Payments;

namespace Remit.Tests.Payments;

public class BankReturnCodesTests
{
    [Theory]
    [InlineData("R01", "Insufficient funds")]
    [InlineData("R02", "Account closed")]
    [InlineData("R03", "No account/unable to locate account")]
    [InlineData("R04", "Invalid account number")]
    [InlineData("R16", "Account frozen/entry returned per OFAC instruction")]
    [InlineData("R23", "Credit entry refused by receiver")]
    [InlineData("R85", "Incorrectly coded outbound international payment")]
    [InlineData("r01", "Insufficient funds")]
    public void Known_codes_have_their_meaning(string code, string meaning)
    {
        Assert.True(BankReturnCodes.TryGetMeaning(code, out var found));
        Assert.Equal(meaning, found);
    }

    [Theory]
    [InlineData("R00")]
    [InlineData("R48")] // never assigned
    [InlineData("R49")]
    [InlineData("R54")]
    [InlineData("R60")]
    [InlineData("R63")] // retired dishonored-return codes
    [InlineData("R66")]
    [InlineData("R78")]
    [InlineData("R79")]
    [InlineData("R86")]
    [InlineData("R1")]
    [InlineData("R001")]
    [InlineData("C01")] // a notification-of-change code, not a return
    [InlineData(" R01")]
    [InlineData("")]
    [InlineData(null)]
    public void Unassigned_or_malformed_codes_are_unknown(string? code)
    {
        Assert.False(BankReturnCodes.TryGetMeaning(code, out var meaning));
        Assert.Null(meaning);
        Assert.False(BankReturnCodes.IsKnown(code));
    }

    [Fact]
    public void The_table_holds_the_seventy_standard_codes_and_no_gaps()
    {
        var expected = Enumerable.Range(1, 47)
            .Concat(Enumerable.Range(50, 4))
            .Concat([61, 62])
            .Concat(Enumerable.Range(67, 11))
            .Concat(Enumerable.Range(80, 6))
            .Select(n => $"R{n:00}")
            .ToList();

        Assert.Equal(70, expected.Count);
        Assert.Equal(expected, BankReturnCodes.All.Keys.Order(StringComparer.Ordinal));
        Assert.All(BankReturnCodes.All, pair =>
        {
            Assert.Matches(new Regex("^R[0-9]{2}$"), pair.Key);
            Assert.False(string.IsNullOrWhiteSpace(pair.Value));
            Assert.True(char.IsUpper(pair.Value[0]), pair.Key);
        });
    }
}
