using Remit.Payments;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

public class PayPalUploadCsvTests
{
    private static string Write(string currency, int decimals, params PayPalUploadItem[] items)
    {
        var writer = new StringWriter();
        PayPalUploadCsv.Write(writer, currency, decimals, items);
        return writer.ToString();
    }

    [Fact]
    public void Writes_one_row_per_payment_in_paypals_column_order_without_a_header()
    {
        var csv = Write("USD", 2,
            new PayPalUploadItem("mbrown@example.com", 10050, "1042", "Here is your payment"),
            new PayPalUploadItem("jdoe@example.com", 7, "1043"));

        Assert.Equal(
            "mbrown@example.com,100.50,USD,1042,Here is your payment,PAYPAL\r\n" +
            "jdoe@example.com,0.07,USD,1043,,PAYPAL\r\n",
            csv);
    }

    [Theory]
    [InlineData(125000, "USD", 2, "1250.00")]
    [InlineData(5, "EUR", 2, "0.05")]
    [InlineData(1250, "JPY", 0, "1250")]
    [InlineData(1234567, "KWD", 3, "1234.567")]
    [InlineData(125000, "HUF", 2, "1250")] // PayPal takes HUF and TWD in whole units only
    [InlineData(500, "TWD", 2, "5")]
    public void Amounts_carry_the_currency_decimals_with_a_dot(long minor, string currency, int decimals, string expected) =>
        Assert.Equal(expected, PayPalUploadCsv.FormatAmount(minor, currency, decimals));

    [Fact]
    public void A_fraction_paypal_cannot_pay_is_refused() =>
        Assert.Throws<ArgumentException>(() => PayPalUploadCsv.FormatAmount(125050, "HUF", 2));

    [Fact]
    public void Cells_that_need_it_are_quoted_and_notes_stay_on_one_line()
    {
        var csv = Write("USD", 2, new PayPalUploadItem("a@example.com", 100, "7", "Thanks, \"Top\" seller!\r\nSee you"));

        Assert.Equal("a@example.com,1.00,USD,7,\"Thanks, \"\"Top\"\" seller! See you\",PAYPAL\r\n", csv);
    }

    /// <summary>
    /// A recipient or note a spreadsheet would run as a formula gets a leading apostrophe; numbers and the plain
    /// cells stay as they are (read back with the tests' own RFC 4180 reader, not the writer's library).
    /// </summary>
    [Fact]
    public void Formula_cells_are_neutralised()
    {
        var csv = Write("USD", 2,
            new PayPalUploadItem("=1+1@example.com", 100, "7", "@SUM(A1:A9) thanks"),
            new PayPalUploadItem("+31@example.com", 250, "8", "-5 off"),
            new PayPalUploadItem("ok@example.com", 300, "9", "Plain"));

        var rows = Rfc4180.Parse(csv);
        Assert.Equal(["'=1+1@example.com", "1.00", "USD", "7", "'@SUM(A1:A9) thanks", "PAYPAL"], rows[0]);
        Assert.Equal(["'+31@example.com", "2.50", "USD", "8", "'-5 off", "PAYPAL"], rows[1]);
        Assert.Equal(["ok@example.com", "3.00", "USD", "9", "Plain", "PAYPAL"], rows[2]);
        Assert.DoesNotContain(csv.Split("\r\n").SelectMany(line => line.Split(',')), cell => cell.Length > 0 && cell[0] is '=' or '+' or '@');
    }

    [Fact]
    public void Long_notes_are_cut_to_paypals_limit_without_splitting_a_character()
    {
        var note = new string('a', 399) + "😀😀";
        var csv = Write("USD", 2, new PayPalUploadItem("a@example.com", 100, null, note));

        var written = csv.Split(',')[4];
        Assert.Equal(new string('a', 399), written);
    }

    public static TheoryData<PayPalUploadItem> BadItems => new()
    {
        new PayPalUploadItem("", 100),
        new PayPalUploadItem("a b@example.com", 100),
        new PayPalUploadItem(new string('a', 121) + "@ex.com", 100),
        new PayPalUploadItem("a@example.com", 0),
        new PayPalUploadItem("a@example.com", -5),
        new PayPalUploadItem("a@example.com", 100, "has space"),
        new PayPalUploadItem("a@example.com", 100, new string('1', 31)),
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public void A_bad_row_is_refused_and_nothing_is_written(PayPalUploadItem bad)
    {
        var writer = new StringWriter();
        Assert.Throws<ArgumentException>(() =>
            PayPalUploadCsv.Write(writer, "USD", 2, [new PayPalUploadItem("ok@example.com", 100), bad]));
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void Refuses_more_rows_than_paypal_takes_and_bad_currencies()
    {
        var items = Enumerable.Range(0, PayPalUploadCsv.MaxRows + 1).Select(i => new PayPalUploadItem($"a{i}@example.com", 100)).ToList();
        Assert.Throws<ArgumentException>(() => PayPalUploadCsv.Write(new StringWriter(), "USD", 2, items));
        Assert.Throws<ArgumentException>(() => Write("usd", 2, new PayPalUploadItem("a@example.com", 100)));
        Assert.Throws<ArgumentException>(() => Write("US", 2, new PayPalUploadItem("a@example.com", 100)));
    }

    [Fact]
    public void Five_thousand_rows_fit_and_the_writer_stays_open()
    {
        var items = Enumerable.Range(0, PayPalUploadCsv.MaxRows).Select(i => new PayPalUploadItem($"a{i}@example.com", 100 + i, $"{i}")).ToList();
        var writer = new StringWriter();

        PayPalUploadCsv.Write(writer, "USD", 2, items);
        writer.Write("more");

        var lines = writer.ToString().Split("\r\n");
        Assert.Equal(PayPalUploadCsv.MaxRows + 1, lines.Length);
        Assert.Equal("a4999@example.com,50.99,USD,4999,,PAYPAL", lines[4999]);
        Assert.Equal("more", lines[^1]);
    }
}
