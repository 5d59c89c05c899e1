using Remit.Tax1099;
using UglyToad.PdfPig;

namespace Remit.Tests.Tax1099;

public sealed class CopyBPdfTests
{
    private static string Text(NecReturn form)
    {
        using var output = new MemoryStream();
        CopyBPdf.Write(2026, NecSamples.Payer, form, output);
        using var document = PdfDocument.Open(output.ToArray());
        Assert.Equal(1, document.NumberOfPages);
        return document.GetPage(1).Text;
    }

    [Fact]
    public void Copy_B_shows_payer_recipient_box_1_and_only_the_last_four_of_the_recipients_tin()
    {
        var text = Text(new NecReturn(NecSamples.Person(tin: "123456789"), 2_000_00));
        Assert.Contains("Form 1099-NEC", text);
        Assert.Contains("Copy B", text);
        Assert.Contains("Tax year 2026", text);
        Assert.Contains("Northwind Traders LLC", text);
        Assert.Contains("12-1234567", text);
        Assert.Contains("Ada King Lovelace", text);
        Assert.Contains("12 Analytical Way", text);
        Assert.Contains("Austin, TX 73301", text);
        Assert.Contains("2000.00", text);
        Assert.Contains("6789", text);
        Assert.DoesNotContain("12345", text.Replace("12-1234567", "", StringComparison.Ordinal));
        Assert.DoesNotContain("123-45", text);
        Assert.Contains("negligence penalty", text);
        Assert.DoesNotContain("CORRECTED", text);
    }

    [Fact]
    public void A_corrected_statement_says_so()
    {
        Assert.Contains("CORRECTED", Text(new NecReturn(NecSamples.Person(), 2_400_00, new NecCorrection("r-1"))));
    }
}
