using Remit.Payments;

namespace Remit.Tests.Payments;

public class AbaRoutingTests
{
    [Theory]
    [InlineData("011000015")] // Federal Reserve Bank of Boston
    [InlineData("021000021")] // JPMorgan Chase, New York
    [InlineData("121042882")] // Wells Fargo, as in moov-io's golden ACH file
    [InlineData("231380104")]
    [InlineData("031300012")]
    [InlineData("322271627")] // thrift range (21–32)
    [InlineData("000000518")] // US Treasury (00 prefix)
    public void Accepts_published_routing_numbers(string routing) => Assert.True(AbaRouting.IsValid(routing));

    [Theory]
    [InlineData("021000022")] // last digit off by one
    [InlineData("021000012")] // two digits swapped
    [InlineData("011000016")]
    [InlineData("000000000")] // passes the checksum but is no bank
    [InlineData("990000000")] // passes the checksum, prefix 99 is never assigned
    [InlineData("500000005")] // passes the checksum, prefix 50 is never assigned
    [InlineData("02100002")] // 8 digits
    [InlineData("0210000210")] // 10 digits
    [InlineData(" 21000021")]
    [InlineData("02100002a")]
    [InlineData("٠٢١٠٠٠٠٢١")] // Arabic-Indic digits are digits to char.IsDigit, not to a bank
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_anything_else(string? routing) => Assert.False(AbaRouting.IsValid(routing));

    [Fact]
    public void Every_wrong_check_digit_is_rejected()
    {
        for (var d = 0; d <= 9; d++)
        {
            Assert.Equal(d == 1, AbaRouting.IsValid("02100002" + d));
        }
    }
}
