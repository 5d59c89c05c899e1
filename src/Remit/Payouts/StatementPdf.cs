using System.Globalization;
using System.Text;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace Remit.Payouts;

public sealed record StatementLine(string Date, string Description, string? Reference, string Amount);

/// <summary>Everything a statement shows except its lines, which come through a <see cref="StatementLines"/> feed.</summary>
public sealed record StatementModel(
    string ProgramName, string AffiliateName, string AffiliateEmail,
    long PayoutId, string Method, string Destination, string Status,
    string Currency, string? Reference,
    string CreatedAt, string? ProcessingAt, string? CompletedAt, string? FailedAt,
    string? PeriodFrom, string? PeriodTo,
    string Total, string GeneratedAt);

/// <summary>Hands every line of a statement, in order, to <paramref name="add"/>; called once per rendering pass.</summary>
public delegate Task StatementLines(Action<StatementLine> add, CancellationToken ct);

/// <summary>
/// A statement as PDF, in two passes over the lines so memory stays at one page however many lines there are: the
/// first lays every page out only to learn the page count and which characters the font subsets need; the second
/// lays them out again with the subset fonts and draws each page as it is finished, Skia writing it to the output.
/// </summary>
public static class StatementPdf
{
    /// <summary>A statement whose lines are already in memory.</summary>
    public static void Write(StatementModel model, IReadOnlyList<StatementLine> lines, Stream output) =>
        WriteAsync(model, (add, _) =>
        {
            foreach (var line in lines)
            {
                add(line);
            }
            return Task.CompletedTask;
        }, output, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task WriteAsync(StatementModel model, StatementLines lines, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(output);

        async Task LayOutAsync(StatementLayout layout)
        {
            layout.Begin();
            await lines(layout.Row, ct);
            layout.End();
        }

        using var typesetter = new Typesetter();
        var pageCount = 0;
        await LayOutAsync(new StatementLayout(model, typesetter, null, _ => pageCount++));
        // Layout measured every string with the system fonts, so the subsets are known to cover all of them;
        // advances are unchanged by subsetting, so the second pass breaks lines and pages exactly as the first.
        typesetter.SubsetFaces();

        var metadata = SKDocumentPdfMetadata.Default;
        metadata.Title = $"Payout statement #{model.PayoutId}";
        metadata.Author = model.ProgramName;
        metadata.Creator = "Remit";
        using var document = SKDocument.CreatePdf(output, metadata);
        await LayOutAsync(new StatementLayout(model, typesetter, pageCount, page =>
        {
            var canvas = document.BeginPage(StatementLayout.PageWidth, StatementLayout.PageHeight);
            foreach (var mark in page)
            {
                mark.Draw(canvas, typesetter);
            }
            document.EndPage();
        }));
        document.Close();
    }
}

internal readonly record struct TextStyle(float Size, bool Bold, SKColor Color);

file abstract record Mark
{
    public abstract void Draw(SKCanvas canvas, Typesetter typesetter);
}

file sealed record TextMark(string Text, TextStyle Style, float X, float Baseline) : Mark
{
    public override void Draw(SKCanvas canvas, Typesetter typesetter) =>
        typesetter.Draw(canvas, Text, Style, X, Baseline);
}

file sealed record BoxMark(SKRect Rect, SKColor Color) : Mark
{
    public override void Draw(SKCanvas canvas, Typesetter typesetter)
    {
        using var paint = new SKPaint { Color = Color, IsAntialias = true };
        canvas.DrawRect(Rect, paint);
    }
}

/// <summary>
/// Lays a statement out page by page: each finished page (with its footer) goes to <paramref name="pageDone"/> and is
/// forgotten. <paramref name="pageCount"/> is null in the measuring pass, whose footers then use each page's own
/// number (the last page's number is the count, so every digit the real footers need is measured).
/// </summary>
file sealed class StatementLayout(StatementModel model, Typesetter typesetter, int? pageCount, Action<List<Mark>> pageDone)
{
    public const float PageWidth = 595.28f;
    public const float PageHeight = 841.89f;

    private const float Left = 50f;
    private const float Right = PageWidth - 50f;
    private const float Top = 48f;
    private const float FooterRule = PageHeight - 44f;
    private const float BodyBottom = FooterRule - 14f;
    private const float CellPadding = 5f;

    private const float DateColumn = Left;
    private const float DescriptionColumn = DateColumn + 72f;
    private const float AmountColumn = Right - 92f;
    private const float ReferenceColumn = AmountColumn - 118f;

    private static readonly SKColor Ink = new(0x1F, 0x29, 0x37);
    private static readonly SKColor Muted = new(0x6B, 0x72, 0x80);
    private static readonly SKColor Accent = new(0x1E, 0x40, 0xAF);
    private static readonly SKColor Hairline = new(0xE5, 0xE7, 0xEB);
    private static readonly SKColor Shade = new(0xF3, 0xF4, 0xF6);

    private static readonly TextStyle ProgramStyle = new(19f, true, Ink);
    private static readonly TextStyle SubtitleStyle = new(11f, false, Muted);
    private static readonly TextStyle TotalFigureStyle = new(18f, true, Ink);
    private static readonly TextStyle LabelStyle = new(8f, true, Muted);
    private static readonly TextStyle ValueStyle = new(10f, false, Ink);
    private static readonly TextStyle CellStyle = new(9f, false, Ink);
    private static readonly TextStyle TotalStyle = new(10f, true, Ink);
    private static readonly TextStyle RunningHeadStyle = new(10f, true, Ink);
    private static readonly TextStyle FooterStyle = new(8f, false, Muted);

    private List<Mark> page = [];
    private int pageNumber = 1;
    private int rowsOnPage;
    private int rows;
    private float y;

    public void Begin()
    {
        Masthead();
        Details();
        TableHeader();
    }

    public void End()
    {
        if (rows == 0)
        {
            y += 22f;
            Text("No commission lines in this payout.", CellStyle, DescriptionColumn + CellPadding, y - 8f);
            Box(Left, y, Right, y + 0.5f, Hairline);
        }

        const float totalHeight = 30f;
        if (y + totalHeight > BodyBottom)
        {
            ContinuationPage();
        }
        Box(Left, y, Right, y + 1f, Ink);
        Text("Total", TotalStyle, DescriptionColumn + CellPadding, y + 19f);
        TextRight(model.Total, TotalStyle, Right - CellPadding, y + 19f);
        y += totalHeight;
        FinishPage();
    }

    private void Masthead()
    {
        var totalLabel = $"TOTAL ({model.Currency})";
        var totalWidth = Math.Max(Measure(model.Total, TotalFigureStyle), Measure(totalLabel, LabelStyle));
        y = Top;
        foreach (var line in Wrap(model.ProgramName, ProgramStyle, Right - Left - totalWidth - 24f))
        {
            y += 24f;
            Text(line, ProgramStyle, Left, y);
        }
        y += 18f;
        Text($"Payout statement #{model.PayoutId}", SubtitleStyle, Left, y);

        TextRight(totalLabel, LabelStyle, Right, Top + 12f);
        TextRight(model.Total, TotalFigureStyle, Right, Top + 33f);

        y += 14f;
        Box(Left, y, Right, y + 2f, Accent);
        y += 22f;
    }

    private void Details()
    {
        var affiliate = new List<(string, IReadOnlyList<string>)>
        {
            ("AFFILIATE", [model.AffiliateName, model.AffiliateEmail]),
            ("PAYOUT METHOD", [model.Method, model.Destination]),
            ("STATUS", [model.Status]),
        };
        if (model.Reference is not null)
        {
            affiliate.Add(("REFERENCE", [model.Reference]));
        }

        var timeline = new List<(string, IReadOnlyList<string>)> { ("CREATED", [model.CreatedAt]) };
        if (model.ProcessingAt is not null)
        {
            timeline.Add(("PROCESSING", [model.ProcessingAt]));
        }
        if (model.CompletedAt is not null)
        {
            timeline.Add(("COMPLETED", [model.CompletedAt]));
        }
        if (model.FailedAt is not null)
        {
            timeline.Add(("FAILED", [model.FailedAt]));
        }
        var period = (model.PeriodFrom, model.PeriodTo) switch
        {
            (null, null) => null,
            (string from, null) => $"from {from}",
            (null, string to) => $"until {to}",
            (string from, string to) => $"{from} – {to}",
        };
        if (period is not null)
        {
            timeline.Add(("PERIOD COVERED", [period]));
        }

        var middle = (Left + Right) / 2f;
        var leftBottom = DetailColumn(affiliate, Left, middle - 12f);
        var rightBottom = DetailColumn(timeline, middle + 12f, Right);
        y = Math.Max(leftBottom, rightBottom) + 20f;
    }

    private float DetailColumn(List<(string Label, IReadOnlyList<string> Values)> entries, float left, float right)
    {
        const float labelWidth = 92f;
        var top = y;
        foreach (var (label, values) in entries)
        {
            Text(label, LabelStyle, left, top + 11f);
            foreach (var value in values)
            {
                foreach (var line in Wrap(value, ValueStyle, right - left - labelWidth))
                {
                    top += 14f;
                    Text(line, ValueStyle, left + labelWidth, top - 3f);
                }
            }
            top += 7f;
        }
        return top;
    }

    public void Row(StatementLine line)
    {
        rows++;
        const float lineHeight = 12.5f;
        var description = Wrap(line.Description, CellStyle, ReferenceColumn - DescriptionColumn - 2 * CellPadding);
        var reference = line.Reference is null
            ? []
            : Wrap(line.Reference, CellStyle, AmountColumn - ReferenceColumn - 2 * CellPadding);
        var height = 2 * CellPadding + 4f + lineHeight * Math.Max(description.Count, reference.Count);
        // A row taller than a whole page goes on the page it starts rather than opening empty pages.
        if (y + height > BodyBottom && rowsOnPage > 0)
        {
            ContinuationPage();
        }
        rowsOnPage++;

        var baseline = y + CellPadding + 11f;
        Text(line.Date, CellStyle, DateColumn + CellPadding, baseline);
        Lines(description, DescriptionColumn + CellPadding, baseline, lineHeight);
        Lines(reference, ReferenceColumn + CellPadding, baseline, lineHeight);
        TextRight(line.Amount, CellStyle, Right - CellPadding, baseline);
        y += height;
        Box(Left, y - 0.5f, Right, y, Hairline);
    }

    private void Lines(IReadOnlyList<string> lines, float x, float baseline, float lineHeight)
    {
        foreach (var line in lines)
        {
            Text(line, CellStyle, x, baseline);
            baseline += lineHeight;
        }
    }

    private void TableHeader()
    {
        Box(Left, y, Right, y + 22f, Shade);
        var baseline = y + 14.5f;
        Text("DATE", LabelStyle, DateColumn + CellPadding, baseline);
        Text("DESCRIPTION", LabelStyle, DescriptionColumn + CellPadding, baseline);
        Text("REFERENCE", LabelStyle, ReferenceColumn + CellPadding, baseline);
        TextRight($"AMOUNT ({model.Currency})", LabelStyle, Right - CellPadding, baseline);
        y += 22f;
    }

    private void ContinuationPage()
    {
        FinishPage();
        page = [];
        pageNumber++;
        rowsOnPage = 0;
        y = Top;
        var title = $"Payout statement #{model.PayoutId}";
        var titleWidth = Measure(title, SubtitleStyle);
        Text(Fit(model.ProgramName, RunningHeadStyle, Right - Left - titleWidth - 24f), RunningHeadStyle, Left, y + 12f);
        TextRight(title, SubtitleStyle, Right, y + 12f);
        Box(Left, y + 22f, Right, y + 22.5f, Hairline);
        y += 36f;
        TableHeader();
    }

    private void FinishPage()
    {
        Box(Left, FooterRule, Right, FooterRule + 0.5f, Hairline);
        Text($"Generated {model.GeneratedAt}", FooterStyle, Left, FooterRule + 14f);
        TextRight($"Page {pageNumber} / {pageCount ?? pageNumber}", FooterStyle, Right, FooterRule + 14f);
        pageDone(page);
    }

    private float Measure(string text, TextStyle style) => typesetter.Measure(text, style);

    private void Text(string text, TextStyle style, float x, float baseline)
    {
        // Measuring records the characters the font subsets must keep, even for text nobody aligns.
        Measure(text, style);
        page.Add(new TextMark(text, style, x, baseline));
    }

    private void TextRight(string text, TextStyle style, float right, float baseline) =>
        page.Add(new TextMark(text, style, right - Measure(text, style), baseline));

    private void Box(float left, float top, float right, float bottom, SKColor color) =>
        page.Add(new BoxMark(new SKRect(left, top, right, bottom), color));

    private string Fit(string text, TextStyle style, float width)
    {
        if (Measure(text, style) <= width)
        {
            return text;
        }
        var graphemeStarts = StringInfo.ParseCombiningCharacters(text);
        for (var count = graphemeStarts.Length - 1; count > 0; count--)
        {
            var shortened = text[..graphemeStarts[count]].TrimEnd() + "…";
            if (Measure(shortened, style) <= width)
            {
                return shortened;
            }
        }
        return "…";
    }

    /// <summary>Greedy line breaking at spaces; a word wider than the column breaks between graphemes.</summary>
    private List<string> Wrap(string text, TextStyle style, float width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : $"{line} {word}";
            if (Measure(candidate, style) <= width)
            {
                line = candidate;
                continue;
            }
            if (line.Length > 0)
            {
                lines.Add(line);
                line = "";
            }
            var graphemes = StringInfo.GetTextElementEnumerator(word);
            while (graphemes.MoveNext())
            {
                var grapheme = graphemes.GetTextElement();
                if (line.Length > 0 && Measure(line + grapheme, style) > width)
                {
                    lines.Add(line);
                    line = "";
                }
                line += grapheme;
            }
        }
        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line);
        }
        return lines;
    }
}

// Internal, not file-local: the 1099-NEC recipient statement (Tax1099/CopyBPdf) draws its text through it too.
/// <summary>
/// Turns strings into positioned glyphs: bidi reordering, a font per run of characters chosen through fontconfig
/// fallback, and HarfBuzz shaping so Arabic joins and marks attach.
/// </summary>
internal sealed class Typesetter : IDisposable
{
    private const string Family = "sans-serif";

    private readonly Dictionary<string, FontFace> faces = [];
    private readonly Dictionary<(int Codepoint, bool Bold), FontFace> fallbacks = [];
    private readonly FontFace regular;
    private readonly FontFace bold;

    public Typesetter()
    {
        regular = Intern(Match(SKFontStyle.Normal));
        bold = Intern(Match(SKFontStyle.Bold));
    }

    // Dates, amounts and repeated descriptions are measured again on every line and in both passes; shaping is the
    // costly part of a long statement. Bounded so a statement of unique texts cannot grow it without limit.
    private const int MeasuredLimit = 20_000;
    private readonly Dictionary<(string, TextStyle), float> measured = [];

    public float Measure(string text, TextStyle style)
    {
        if (measured.TryGetValue((text, style), out var width))
        {
            return width;
        }
        if (measured.Count >= MeasuredLimit)
        {
            measured.Clear();
        }
        width = Shape(text, style).Sum(run => run.Advance);
        measured[(text, style)] = width;
        return width;
    }

    public void Draw(SKCanvas canvas, string text, TextStyle style, float x, float baseline)
    {
        var runs = Shape(text, style);
        if (runs.Count == 0)
        {
            return;
        }
        using var builder = new SKTextBlobBuilder();
        foreach (var run in runs)
        {
            run.AddTo(builder, text, x, baseline);
            x += run.Advance;
        }
        using var blob = builder.Build();
        using var paint = new SKPaint { Color = style.Color, IsAntialias = true };
        canvas.DrawText(blob, 0, 0, paint);
    }

    public void SubsetFaces()
    {
        foreach (var face in faces.Values)
        {
            face.Subset();
        }
    }

    public void Dispose()
    {
        foreach (var face in faces.Values)
        {
            face.Dispose();
        }
    }

    private List<GlyphRun> Shape(string text, TextStyle style)
    {
        var runs = new List<GlyphRun>();
        foreach (var (start, length, rightToLeft) in Bidi.VisualRuns(text))
        {
            var pieces = FaceRuns(text, start, length, style.Bold);
            if (rightToLeft)
            {
                pieces.Reverse();
            }
            foreach (var (face, pieceStart, pieceLength) in pieces)
            {
                runs.Add(face.Shape(text, pieceStart, pieceLength, rightToLeft, style.Size));
            }
        }
        return runs;
    }

    private List<(FontFace Face, int Start, int Length)> FaceRuns(string text, int start, int length, bool isBold)
    {
        var runs = new List<(FontFace, int, int)>();
        FontFace? current = null;
        var runStart = start;
        for (var index = start; index < start + length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var units);
            var face = FaceFor(rune, isBold, current);
            if (face != current)
            {
                if (current is not null)
                {
                    runs.Add((current, runStart, index - runStart));
                }
                current = face;
                runStart = index;
            }
            index += units;
        }
        if (current is not null)
        {
            runs.Add((current, runStart, start + length - runStart));
        }
        return runs;
    }

    private FontFace FaceFor(Rune rune, bool isBold, FontFace? current)
    {
        // Spaces and combining marks stay with the run they sit in: splitting them off would detach a mark from
        // its base letter and cut a CJK name into needless extra font runs.
        if (current is not null && StaysWithNeighbour(rune) && current.Covers(rune))
        {
            return current;
        }
        var primary = isBold ? bold : regular;
        if (primary.Covers(rune))
        {
            return primary;
        }
        if (!fallbacks.TryGetValue((rune.Value, isBold), out var face))
        {
            var style = isBold ? SKFontStyle.Bold : SKFontStyle.Normal;
            var match = SKFontManager.Default.MatchCharacter(Family, style, null, rune.Value);
            face = match is null ? primary : Intern(match);
            fallbacks[(rune.Value, isBold)] = face;
        }
        return face;
    }

    private static bool StaysWithNeighbour(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.SpaceSeparator or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format;

    private static SKTypeface Match(SKFontStyle style) =>
        SKFontManager.Default.MatchFamily(Family, style)
        ?? throw new InvalidOperationException("No sans-serif font is installed; install fontconfig and fonts-dejavu-core.");

    private FontFace Intern(SKTypeface typeface)
    {
        // A synthetic bold fallback (CJK fonts rarely ship a bold) is the same file as the regular one, so both
        // share one subset.
        var key = $"{typeface.FamilyName}|{typeface.PostScriptName}";
        if (!faces.TryGetValue(key, out var face))
        {
            face = new FontFace(typeface);
            faces[key] = face;
        }
        return face;
    }
}

internal sealed class FontFace : IDisposable
{
    private readonly HashSet<int> codepoints = [];
    private readonly SKTypeface system;
    private readonly SKFont coverage;
    private SKTypeface typeface;
    private SKShaper shaper;

    public FontFace(SKTypeface system)
    {
        this.system = system;
        coverage = new SKFont(system);
        typeface = system;
        shaper = new SKShaper(system);
    }

    public bool Covers(Rune rune) => coverage.ContainsGlyph(rune.Value);

    public GlyphRun Shape(string text, int start, int length, bool rightToLeft, float size)
    {
        Record(text.AsSpan(start, length), rightToLeft);
        using var buffer = new HarfBuzzSharp.Buffer();
        // Handing HarfBuzz the whole string as context lets Arabic letters join across a font switch.
        buffer.AddUtf16(text, start, length);
        buffer.Direction = rightToLeft ? HarfBuzzSharp.Direction.RightToLeft : HarfBuzzSharp.Direction.LeftToRight;
        buffer.GuessSegmentProperties();
        using var font = new SKFont(typeface, size);
        var shaped = shaper.Shape(buffer, font);
        return new GlyphRun(typeface, size, start, length, shaped);
    }

    public void Subset()
    {
        typeface = FontSubset.Subset(system, codepoints);
        shaper.Dispose();
        shaper = new SKShaper(typeface);
    }

    public void Dispose()
    {
        shaper.Dispose();
        coverage.Dispose();
        if (typeface != system)
        {
            typeface.Dispose();
        }
    }

    private void Record(ReadOnlySpan<char> text, bool rightToLeft)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            codepoints.Add(rune.Value);
            // HarfBuzz mirrors brackets in right-to-left runs only if the mirrored character survives subsetting.
            if (rightToLeft && Mirror(rune.Value) is int mirrored)
            {
                codepoints.Add(mirrored);
            }
        }
    }

    private static int? Mirror(int codepoint) => codepoint switch
    {
        '(' => ')', ')' => '(', '[' => ']', ']' => '[', '{' => '}', '}' => '{',
        '<' => '>', '>' => '<', '«' => '»', '»' => '«', '‹' => '›', '›' => '‹',
        _ => null,
    };
}

internal sealed class GlyphRun(SKTypeface typeface, float size, int start, int length, SKShaper.Result shaped)
{
    public float Advance => shaped.Width;

    public void AddTo(SKTextBlobBuilder builder, string text, float x, float baseline)
    {
        // Giving Skia the source text and clusters lets it write ActualText/ToUnicode entries, so copying shaped
        // Arabic out of the PDF yields the letters typed rather than their contextual forms.
        var source = text.AsSpan(start, length);
        using var font = new SKFont(typeface, size);
        var run = builder.AllocatePositionedTextRun(font, shaped.Codepoints.Length, Encoding.UTF8.GetByteCount(source), null);
        Encoding.UTF8.GetBytes(source, run.Text);
        for (var index = 0; index < shaped.Codepoints.Length; index++)
        {
            run.Glyphs[index] = (ushort)shaped.Codepoints[index];
            run.Positions[index] = new SKPoint(x + shaped.Points[index].X, baseline + shaped.Points[index].Y);
            run.Clusters[index] = (uint)Encoding.UTF8.GetByteCount(text.AsSpan(start, (int)shaped.Clusters[index] - start));
        }
    }
}

/// <summary>
/// The parts of the Unicode bidirectional algorithm a single line of a statement needs: paragraph direction from
/// the first strong letter, numbers and neutrals resolved against their neighbours, runs reordered by level.
/// There is no bidi in .NET's public API and statements never carry explicit embedding controls.
/// </summary>
internal static class Bidi
{
    private enum Kind : byte { Left, Right, Number, Neutral, Mark }

    public static List<(int Start, int Length, bool RightToLeft)> VisualRuns(string text)
    {
        var kinds = Classify(text);
        var rightToLeft = Array.Find(kinds, kind => kind is Kind.Left or Kind.Right) == Kind.Right;
        var levels = Levels(kinds, rightToLeft);

        var runs = new List<(int Start, int Length, int Level)>();
        for (var index = 0; index < text.Length;)
        {
            var end = index;
            while (end < text.Length && levels[end] == levels[index])
            {
                end++;
            }
            runs.Add((index, end - index, levels[index]));
            index = end;
        }

        var highest = runs.Count == 0 ? 0 : runs.Max(run => run.Level);
        for (var level = highest; level >= 1; level--)
        {
            for (var first = 0; first < runs.Count; first++)
            {
                if (runs[first].Level < level)
                {
                    continue;
                }
                var last = first;
                while (last + 1 < runs.Count && runs[last + 1].Level >= level)
                {
                    last++;
                }
                runs.Reverse(first, last - first + 1);
                first = last;
            }
        }
        return runs.ConvertAll(run => (run.Start, run.Length, run.Level % 2 == 1));
    }

    private static Kind[] Classify(string text)
    {
        var kinds = new Kind[text.Length];
        var previous = Kind.Neutral;
        for (var index = 0; index < text.Length;)
        {
            // Decoding rather than Rune.GetRuneAt: a lone surrogate in stored data must not fail the statement.
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var units);
            var kind = Classify(rune);
            // A combining mark takes the direction of the character it decorates.
            kind = kind == Kind.Mark ? previous : kind;
            kinds.AsSpan(index, units).Fill(kind);
            previous = kind;
            index += units;
        }
        return kinds;
    }

    private static Kind Classify(Rune rune)
    {
        var value = rune.Value;
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
        {
            return Kind.Mark;
        }
        if (category == UnicodeCategory.DecimalDigitNumber)
        {
            return Kind.Number;
        }
        var letter = category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
        var rightToLeftScript = value is (>= 0x0590 and <= 0x08FF) or (>= 0xFB1D and <= 0xFDFF)
            or (>= 0xFE70 and <= 0xFEFF) or (>= 0x10800 and <= 0x10FFF) or (>= 0x1E800 and <= 0x1EFFF);
        return (letter, rightToLeftScript) switch
        {
            (true, true) => Kind.Right,
            (true, false) => Kind.Left,
            _ when category == UnicodeCategory.SpacingCombiningMark => Kind.Left,
            _ => Kind.Neutral,
        };
    }

    private static int[] Levels(Kind[] kinds, bool rightToLeft)
    {
        // Numbers after a left-to-right letter read left-to-right (UBA W7); anywhere else they sit at a level of
        // their own inside the right-to-left text (W2, I1, I2) and count as right-to-left for the neutrals (N1).
        var resolved = new Kind[kinds.Length];
        var lastStrong = rightToLeft ? Kind.Right : Kind.Left;
        for (var index = 0; index < kinds.Length; index++)
        {
            resolved[index] = kinds[index] switch
            {
                Kind.Number when lastStrong == Kind.Left => Kind.Left,
                var kind => kind,
            };
            if (kinds[index] is Kind.Left or Kind.Right)
            {
                lastStrong = kinds[index];
            }
        }

        var levels = new int[kinds.Length];
        var paragraph = rightToLeft ? Kind.Right : Kind.Left;
        for (var index = 0; index < kinds.Length; index++)
        {
            var kind = resolved[index];
            if (kind == Kind.Neutral)
            {
                var before = Direction(resolved, index, -1, paragraph);
                var after = Direction(resolved, index, +1, paragraph);
                kind = before == after ? before : paragraph;
            }
            levels[index] = (kind, rightToLeft) switch
            {
                (Kind.Right, _) => 1,
                (Kind.Number, _) => 2,
                (_, true) => 2,
                _ => 0,
            };
        }
        return levels;
    }

    private static Kind Direction(Kind[] resolved, int index, int step, Kind paragraph)
    {
        for (var other = index + step; other >= 0 && other < resolved.Length; other += step)
        {
            if (resolved[other] != Kind.Neutral)
            {
                return resolved[other] == Kind.Number ? Kind.Right : resolved[other];
            }
        }
        return paragraph;
    }
}
