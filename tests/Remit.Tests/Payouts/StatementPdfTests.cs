using System.Globalization;
using System.Text;
using Remit.Payouts;
using UglyToad.PdfPig;

namespace Remit.Tests.Payouts;

public class StatementPdfTests
{
    [Fact]
    public void Statement_shows_the_program_payout_and_affiliate_details()
    {
        var pdf = Render(Statement("Jane Doe", lineCount: 3));

        using var document = PdfDocument.Open(pdf);
        Assert.Equal(1, document.NumberOfPages);
        var text = document.GetPage(1).Text;
        Assert.Contains("Northwind Partner Program", text);
        Assert.Contains("Payout statement #1042", text);
        Assert.Contains("Jane Doe", text);
        Assert.Contains("jane@example.com", text);
        Assert.Contains("PayPal", text);
        Assert.Contains("j***@example.com", text);
        Assert.Contains("Completed", text);
        Assert.Contains("PP-7X29-4411", text);
        Assert.Contains("2026-11-01", text);
        Assert.Contains("2026-11-03", text);
        Assert.Contains("2026-10-01 – 2026-10-31", text);
        Assert.Contains("Generated 2026-11-03 14:05 UTC", text);
        Assert.Contains("Page 1 / 1", text);
    }

    [Fact]
    public void Only_the_lifecycle_dates_the_payout_reached_are_listed()
    {
        var sample = Statement("Jane Doe", lineCount: 1);
        var pdf = Render(sample with { Model = sample.Model with { CompletedAt = null, FailedAt = "2026-11-04" } });

        var text = AllText(pdf);
        Assert.Contains("FAILED", text);
        Assert.Contains("2026-11-04", text);
        Assert.DoesNotContain("COMPLETED", text);
    }

    [Theory]
    [InlineData("Jane Doe")]
    [InlineData("Αλέξανδρος Παπαδόπουλος")]
    [InlineData("Дмитрий Иванов")]
    [InlineData("山田太郎")]
    [InlineData("やまだ たろう")]
    public void Affiliate_names_in_any_script_come_back_out_as_text(string name)
    {
        var text = AllText(Render(Statement(name, lineCount: 1)));

        Assert.Contains(name, text);
    }

    [Fact]
    public void Cjk_characters_are_drawn_with_a_fallback_font_that_has_them()
    {
        using var document = PdfDocument.Open(Render(Statement("Jane 山田太郎", lineCount: 1)));

        var letters = document.GetPage(1).Letters;
        var latinFont = letters.First(letter => letter.Value == "J").FontName;
        var cjk = letters.Where(letter => "山田太郎".Contains(letter.Value, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, cjk.Count);
        Assert.All(cjk, letter => Assert.NotEqual(latinFont, letter.FontName));
        Assert.All(cjk, letter => Assert.True(letter.Width > 0));
    }

    [Fact]
    public void Arabic_is_shaped_and_laid_out_right_to_left()
    {
        using var document = PdfDocument.Open(Render(Statement("محمد", lineCount: 1)));

        // A font may map its contextual forms to the Arabic presentation-form codepoints; NFKC folds them back.
        var arabic = document.GetPage(1).Letters
            .Select(letter => (Letter: letter, Value: letter.Value.Normalize(NormalizationForm.FormKC)))
            .Where(glyph => glyph.Value.Length == 1 && glyph.Value[0] is >= '\u0600' and <= '\u06FF')
            .OrderBy(glyph => glyph.Letter.StartBaseLine.X)
            .ToList();
        // Read left to right, right-to-left text comes out last letter first.
        Assert.Equal("دمحم", string.Concat(arabic.Select(glyph => glyph.Value)));
        // Unshaped, both meems would be the same isolated glyph; joined, one is initial and one medial.
        var meems = arabic.Where(glyph => glyph.Value == "م").Select(glyph => glyph.Letter).ToList();
        Assert.NotEqual(meems[0].Width, meems[1].Width);
    }

    [Fact]
    public void Text_with_a_broken_surrogate_still_renders_the_statement()
    {
        var text = AllText(Render(Statement("Jane \uD800 Doe", lineCount: 1)));

        Assert.Contains("Jane", text);
        Assert.Contains("Doe", text);
    }

    [Fact]
    public void Every_line_amount_and_the_total_appear()
    {
        var model = Statement("Jane Doe", lineCount: 12);

        var words = Words(Render(model));

        Assert.All(model.Lines, line => Assert.Contains(line.Amount, words));
        Assert.All(model.Lines, line => Assert.Contains(line.Date, words));
        Assert.Contains(model.Total, words);
    }

    [Fact]
    public void A_long_statement_spans_pages_repeating_the_table_header_and_ends_with_the_total()
    {
        var model = Statement("Jane Doe", lineCount: 500);

        using var document = PdfDocument.Open(Render(model));

        var pages = document.GetPages().ToList();
        Assert.True(pages.Count > 1, $"expected several pages, got {pages.Count}");
        Assert.All(pages, page => Assert.Contains("DESCRIPTION", page.Text));
        Assert.All(pages, page => Assert.Contains($"Page {page.Number} / {pages.Count}", page.Text));
        var lastPage = pages[^1].GetWords().Select(word => word.Text).ToList();
        Assert.Contains("Total", lastPage);
        Assert.Contains(model.Total, lastPage);
        var words = pages.SelectMany(page => page.GetWords()).Select(word => word.Text).ToHashSet();
        Assert.All(model.Lines, line => Assert.Contains(line.Amount, words));
    }

    [Fact]
    public void A_one_page_statement_with_latin_arabic_and_cjk_names_stays_small()
    {
        var pdf = Render(Statement("Jane محمد 山田太郎 Дмитрий", lineCount: 10));

        Assert.True(pdf.Length < 200 * 1024, $"statement is {pdf.Length} bytes");
    }

    private sealed record Sample(StatementModel Model, IReadOnlyList<StatementLine> Lines)
    {
        public string Total => Model.Total;
    }

    private static Sample Statement(string affiliateName, int lineCount)
    {
        var amounts = Enumerable.Range(1, lineCount).Select(index => index * 104.25m).ToList();
        var lines = amounts.Select((amount, index) => new StatementLine(
                $"2026-10-{index % 28 + 1:00}",
                index % 4 == 0
                    ? $"Commission on order #{7000 + index}: annual plan upgrade with bundled add-ons and priority support"
                    : $"Commission on order #{7000 + index}",
                index % 3 == 0 ? null : $"ORD-{5000 + index}",
                Money(amount)))
            .ToList();
        return new Sample(new StatementModel(
            "Northwind Partner Program", affiliateName, "jane@example.com",
            1042, "PayPal", "j***@example.com", "Completed",
            "USD", "PP-7X29-4411",
            "2026-11-01", "2026-11-02", "2026-11-03", null,
            "2026-10-01", "2026-10-31",
            Money(amounts.Sum()), "2026-11-03 14:05 UTC"), lines);
    }

    private static string Money(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture);

    private static byte[] Render(Sample sample)
    {
        using var output = new MemoryStream();
        StatementPdf.Write(sample.Model, sample.Lines, output);
        return output.ToArray();
    }

    private static string AllText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(page => page.Text));
    }

    private static HashSet<string> Words(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().SelectMany(page => page.GetWords()).Select(word => word.Text).ToHashSet();
    }
}
