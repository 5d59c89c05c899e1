using System.Globalization;
using Remit.Payouts;
using SkiaSharp;

namespace Remit.Tax1099;

/// <summary>
/// Copy B of Form 1099-NEC, the recipient's statement, as a one-page PDF (a substitute statement, as the IRS allows
/// for recipient copies): payer, payer's TIN, the recipient's TIN masked but for the last four digits (the IRS permits
/// the truncation on recipient statements, and Settled details require it), recipient, account number, box 1, and the
/// notice Copy B carries. Text goes through the statements' typesetter (shaping, font fallback, subset fonts).
/// </summary>
public static class CopyBPdf
{
    private const float Width = 612f, Height = 792f; // US Letter, as the IRS prints the form
    private const float Left = 48f, Right = Width - 48f;

    private static readonly SKColor Ink = new(0x11, 0x18, 0x27);
    private static readonly SKColor Muted = new(0x4B, 0x55, 0x63);
    private static readonly SKColor Rule = new(0x9C, 0xA3, 0xAF);
    private static readonly TextStyle Title = new(16f, true, Ink);
    private static readonly TextStyle Label = new(7.5f, true, Muted);
    private static readonly TextStyle Value = new(10.5f, false, Ink);
    private static readonly TextStyle Figure = new(14f, true, Ink);
    private static readonly TextStyle Small = new(8f, false, Muted);

    public static readonly string[] Notice =
    [
        "This is important tax information and is being furnished to the IRS. If you are required to file a",
        "return, a negligence penalty or other sanction may be imposed on you if this income is taxable and",
        "the IRS determines that it has not been reported.",
    ];

    public static readonly string[] Instructions =
    [
        "Recipient's taxpayer identification number (TIN). For your protection, this form shows only the last",
        "four digits of your TIN. However, the issuer has reported your complete TIN to the IRS.",
        "Box 1. Shows nonemployee compensation. If you are in a trade or business, report this amount on",
        "Schedule C or F (Form 1040) and Schedule SE (Form 1040); otherwise see the Instructions for Recipient",
        "at www.irs.gov/Form1099NEC.",
    ];

    public static void Write(int year, NecPayer payer, NecReturn form, Stream output)
    {
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(output);
        using var typesetter = new Typesetter();
        // First pass measures every string, so the font subsets hold every character the page draws.
        Draw(null, typesetter, year, payer, form);
        typesetter.SubsetFaces();

        var metadata = SKDocumentPdfMetadata.Default;
        metadata.Title = $"Form 1099-NEC {year} Copy B — {form.Recipient.Name}";
        metadata.Author = payer.Name;
        metadata.Creator = "Remit";
        using var document = SKDocument.CreatePdf(output, metadata);
        var canvas = document.BeginPage(Width, Height);
        Draw(canvas, typesetter, year, payer, form);
        document.EndPage();
        document.Close();
    }

    private static void Draw(SKCanvas? canvas, Typesetter t, int year, NecPayer payer, NecReturn form)
    {
        var recipient = form.Recipient;
        void Text(string text, TextStyle style, float x, float y)
        {
            if (canvas is null) t.Measure(text, style);
            else t.Draw(canvas, text, style, x, y);
        }
        void Line(float y)
        {
            if (canvas is null) return;
            using var paint = new SKPaint { Color = Rule, StrokeWidth = 0.75f, IsAntialias = true };
            canvas.DrawLine(Left, y, Right, y, paint);
        }
        void Field(string label, IEnumerable<string?> lines, float x, float y)
        {
            Text(label, Label, x, y);
            foreach (var line in lines.Where(l => !string.IsNullOrEmpty(l)))
            {
                y += 14f;
                Text(line!, Value, x, y);
            }
        }
        static string CityLine(UsAddress a) => $"{a.City}, {a.State} {a.Zip}";

        var y = 64f;
        if (form.Corrected) Text("CORRECTED", Figure, Left, y - 22f);
        Text("Form 1099-NEC", Title, Left, y);
        Text($"Nonemployee Compensation · Tax year {year.ToString(CultureInfo.InvariantCulture)}", Value, Left + 150f, y);
        Text("Copy B — For Recipient", Label, Right - t.Measure("Copy B — For Recipient", Label), y);
        y += 18f;
        Line(y);

        y += 20f;
        Field("PAYER'S name, street address, city or town, state, ZIP code, and telephone no.",
            [payer.Name, payer.Address.Line1, payer.Address.Line2, CityLine(payer.Address), FormatPhone(payer.Phone)], Left, y);
        Field("1 Nonemployee compensation", [], Left + 330f, y);
        Text($"$ {NecAmount.Dollars(form.AmountCents)}", Figure, Left + 330f, y + 20f);
        Field("4 Federal income tax withheld", ["$ 0.00"], Left + 330f, y + 50f);

        y += 96f;
        Line(y);
        y += 20f;
        Field("PAYER'S TIN", [$"{payer.Ein[..2]}-{payer.Ein[2..]}"], Left, y);
        Field("RECIPIENT'S TIN", [recipient.MaskedTin], Left + 165f, y);
        y += 32f;
        Line(y);
        y += 20f;
        Field("RECIPIENT'S name", [recipient.Name, recipient.BusinessName], Left, y);
        y += 46f;
        Field("Street address (including apt. no.)", [recipient.Address.Line1, recipient.Address.Line2], Left, y);
        y += 46f;
        Field("City or town, state or province, country, and ZIP or foreign postal code", [CityLine(recipient.Address)], Left, y);
        y += 32f;
        Field("Account number (see instructions)", [form.RecordId], Left, y);
        y += 32f;
        Line(y);

        y += 22f;
        foreach (var line in Notice)
        {
            Text(line, Value, Left, y);
            y += 14f;
        }
        y += 14f;
        Text("Instructions for Recipient", Label, Left, y);
        foreach (var line in Instructions)
        {
            y += 12f;
            Text(line, Small, Left, y);
        }
        Text($"Form 1099-NEC (keep for your records) · www.irs.gov/Form1099NEC · Department of the Treasury – Internal Revenue Service",
            Small, Left, Height - 36f);
    }

    private static string FormatPhone(string digits) =>
        digits.Length == 10 ? $"({digits[..3]}) {digits[3..6]}-{digits[6..]}" : digits;
}
