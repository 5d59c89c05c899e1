using System.Globalization;
using Remit.Payouts;
using Remit.Programs;
using Remit.Security;
using SkiaSharp;

namespace Remit.Tax;

/// <summary>What the signed form's PDF shows: the form's lines, the certification and the signature record.</summary>
public sealed record TaxFormPdfModel(
    TaxFormDefinition Definition, FieldValues Fields, string RequesterName, long FormId, long AffiliateId, string Status,
    string SignerName, DateTime SignedAt, string Source, string? SignerIp, string? SignerUserAgent, string Digest,
    DateOnly? ExpiresAt, DateTime GeneratedAt);

/// <summary>
/// The signed form as a substitute form (US Letter): every line of the form in its order with its number and the
/// IRS's caption, conditional parts only when they apply, the certification word for word, and the electronic
/// signature record. Text is set by the statements' typesetter (fontconfig fallback, HarfBuzz shaping, subset fonts),
/// so a name in any script prints.
/// </summary>
public static class TaxFormPdf
{
    public static string FileName(TaxForm form) => $"{form.Kind}-{form.Id}.pdf";

    public static byte[] Render(TaxForm form, AffiliateProgram program, SecretBox secrets, TimeProvider clock)
    {
        var definition = TaxFormKinds.Definition(form.Kind);
        var model = new TaxFormPdfModel(definition, TaxForms.Open(form, secrets), program.Name, form.Id, form.AffiliateId,
            TaxFormStatus.Of(form.Status, form.ExpiresAt, TaxForms.Today(clock)), form.SignerName, form.SignedAt, form.Source,
            form.SignerIp, form.SignerUserAgent, TaxForms.Digest(form, secrets), form.ExpiresAt, clock.GetUtcNow().UtcDateTime);
        using var output = new MemoryStream();
        Write(model, output);
        return output.ToArray();
    }

    public static void Write(TaxFormPdfModel model, Stream output)
    {
        using var typesetter = new Typesetter();
        var layout = new FormLayout(typesetter);
        layout.Build(model);
        // Every string was measured with the system fonts; advances survive subsetting, so the pages drawn below are
        // exactly the ones laid out.
        typesetter.SubsetFaces();
        var metadata = SKDocumentPdfMetadata.Default;
        metadata.Title = $"{model.Definition.Title} #{model.FormId}";
        metadata.Author = model.RequesterName;
        metadata.Creator = "Remit";
        using var document = SKDocument.CreatePdf(output, metadata);
        var count = layout.Pages.Count;
        for (var i = 0; i < count; i++)
        {
            var canvas = document.BeginPage(FormLayout.PageWidth, FormLayout.PageHeight);
            foreach (var draw in layout.Pages[i]) draw(canvas);
            typesetter.Draw(canvas, $"{model.Definition.Title} ({model.Definition.Revision}) #{model.FormId} — page {i + 1} of {count}",
                FormLayout.Footer, FormLayout.Left, FormLayout.PageHeight - 28f);
            document.EndPage();
        }
        document.Close();
    }

    private sealed class FormLayout(Typesetter typesetter)
    {
        public const float PageWidth = 612f, PageHeight = 792f, Left = 48f;
        private const float Right = PageWidth - 48f, Top = 50f, Bottom = PageHeight - 50f;

        private static readonly SKColor Ink = new(0x11, 0x18, 0x27), Muted = new(0x4B, 0x55, 0x63), Rule = new(0xD1, 0xD5, 0xDB), Shade = new(0xF3, 0xF4, 0xF6);
        private static readonly TextStyle Title = new(17f, true, Ink), Subtitle = new(9.5f, false, Muted), PartHead = new(10.5f, true, Ink);
        private static readonly TextStyle Caption = new(7.5f, false, Muted), Value = new(10f, true, Ink), Body = new(8.5f, false, Ink);
        public static readonly TextStyle Footer = new(7f, false, Muted);

        public List<List<Action<SKCanvas>>> Pages { get; } = [];
        private List<Action<SKCanvas>> page = null!;
        private float y;

        private void NewPage()
        {
            page = [];
            Pages.Add(page);
            y = Top;
        }

        private void Need(float height)
        {
            if (y + height > Bottom) NewPage();
        }

        private void Text(string text, TextStyle style, float x, float baseline)
        {
            typesetter.Measure(text, style); // measured now so the subset fonts cover it
            page.Add(canvas => typesetter.Draw(canvas, text, style, x, baseline));
        }

        private void Box(SKRect rect, SKColor color) => page.Add(canvas =>
        {
            using var paint = new SKPaint { Color = color, IsAntialias = true };
            canvas.DrawRect(rect, paint);
        });

        /// <summary>Greedy word wrap by measured width; a word wider than the line (a long name without spaces) breaks by character.</summary>
        private List<string> Wrap(string text, TextStyle style, float width)
        {
            var lines = new List<string>();
            var line = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (typesetter.Measure(candidate, style) <= width)
                {
                    line = candidate;
                    continue;
                }
                if (line.Length > 0) lines.Add(line);
                line = word;
                while (typesetter.Measure(line, style) > width && line.Length > 1)
                {
                    var cut = line.Length - 1;
                    while (cut > 1 && typesetter.Measure(line[..cut], style) > width) cut--;
                    lines.Add(line[..cut]);
                    line = line[cut..];
                }
            }
            if (line.Length > 0) lines.Add(line);
            return lines;
        }

        private void Paragraph(string text, TextStyle style, float x, float width, float leading)
        {
            foreach (var line in Wrap(text, style, width))
            {
                Need(leading);
                y += leading;
                Text(line, style, x, y);
            }
        }

        private void Heading(string text)
        {
            Need(40f);
            y += 12f;
            Box(new SKRect(Left, y, Right, y + 18f), Shade);
            Text(text, PartHead, Left + 6f, y + 13f);
            y += 20f;
        }

        /// <summary>One line of the form: its number, the IRS's caption, and what was entered.</summary>
        private void Line(string number, string caption, string value)
        {
            var captionLines = Wrap(caption, Caption, Right - Left - 40f);
            var valueLines = Wrap(value, Value, Right - Left - 40f);
            Need(captionLines.Count * 9.5f + valueLines.Count * 13f + 8f);
            var top = y;
            Text(number, PartHead, Left, y + 9f);
            foreach (var c in captionLines)
            {
                y += 9.5f;
                Text(c, Caption, Left + 40f, y);
            }
            foreach (var v in valueLines)
            {
                y += 13f;
                Text(v, Value, Left + 40f, y);
            }
            y += 5f;
            Box(new SKRect(Left + 40f, y, Right, y + 0.5f), Rule);
            y = Math.Max(y, top + 14f) + 3f;
        }

        public void Build(TaxFormPdfModel m)
        {
            NewPage();
            var d = m.Definition;
            Text(d.Title, Title, Left, y + 14f);
            Text($"({d.Revision})", Subtitle, Left + typesetter.Measure(d.Title, Title) + 8f, y + 14f);
            y += 22f;
            Paragraph(d.Subtitle, Subtitle, Left, Right - Left, 12f);
            Paragraph($"Substitute form, signed {(m.Source == TaxFormSources.Electronic ? "electronically" : "on paper and recorded")} for {m.RequesterName} (requester). Form #{m.FormId}, affiliate #{m.AffiliateId}, status: {m.Status}"
                + (m.ExpiresAt is { } e ? $", valid through {e:yyyy-MM-dd}." : "."), Subtitle, Left, Right - Left, 12f);

            string? part = null;
            foreach (var field in d.Fields)
            {
                if (!field.Applies(m.Fields)) continue;
                if (field.Part != part)
                {
                    part = field.Part;
                    Heading(part == "Identification" ? "Identification (lines 1–7)" : part);
                }
                var value = Shown(field, m.Fields);
                Line(field.Line.StartsWith("Part", StringComparison.Ordinal) ? "" : field.Line, field.Label, value);
            }

            Heading(d.CertificationPart);
            foreach (var paragraph in d.Certification)
            {
                var text = d.Key == TaxFormKinds.W9 && paragraph.StartsWith("2. ", StringComparison.Ordinal) && m.Fields.Checked("backup_withholding")
                    ? "[Crossed out by the signer: subject to backup withholding] " + paragraph
                    : paragraph;
                Paragraph(text, Body, Left, Right - Left, 11f);
                y += 3f;
            }
            foreach (var status in d.StatusCertifications(m.Fields))
            {
                Paragraph(status, Body, Left, Right - Left, 11f);
                y += 3f;
            }
            if (d.CapacityStatement is { } capacity) Paragraph("[x] " + capacity, Body, Left, Right - Left, 11f);

            Heading(m.Source == TaxFormSources.Electronic ? "Electronic signature" : "Signature (paper form on file)");
            Line("", "Signature of the person signing (typed name)", m.SignerName);
            Line("", "Date signed (UTC)", m.SignedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
            if (m.Source == TaxFormSources.Electronic)
            {
                Line("", "Affirmed", "The signer typed their name and affirmed the certification above under penalties of perjury.");
                Line("", "Signed from (IP address)", m.SignerIp ?? "unknown");
                Line("", "Client (user agent)", m.SignerUserAgent is { Length: > 0 } ua ? ua : "unknown");
            }
            else
            {
                Line("", "Recorded from", $"{m.SignerIp ?? "unknown"} · {(m.SignerUserAgent is { Length: > 0 } ua ? ua : "unknown client")}");
            }
            Line("", "SHA-256 of the canonical form data", m.Digest);
            Paragraph($"Made by Remit on {m.GeneratedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}. This document contains a taxpayer identification number: keep it confidential.",
                Footer, Left, Right - Left, 10f);
        }

        private static string Shown(FormField field, FieldValues values)
        {
            var value = values[field.Key];
            return field.Kind switch
            {
                FieldKind.Check => value == "true" ? "[x] Yes" : "[ ] No",
                _ when value is null => "—",
                FieldKind.Choice => field.OptionLabel(value) ?? value,
                FieldKind.Country => $"{Countries.Name(value)} ({value})",
                FieldKind.Tin when field.Key == "tin" => Tin.Format(values["tin_type"], value),
                FieldKind.Tin => Tin.Format(field.Options is [{ Value: Tin.Ein }] ? Tin.Ein : value[0] == '9' ? Tin.Itin : Tin.Ssn, value),
                FieldKind.Date => DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToString("MM-dd-yyyy", CultureInfo.InvariantCulture),
                FieldKind.Rate => value + "%",
                _ => value,
            };
        }
    }
}
