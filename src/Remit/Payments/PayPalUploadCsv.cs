using System.Globalization;
using CsvHelper;

namespace Remit.Payments;

/// <summary>One row of a PayPal Payouts web-upload file.</summary>
/// <param name="RecipientEmail">The affiliate's PayPal email (PayPal also takes a phone number or PayerID).</param>
/// <param name="AmountMinor">The amount in the currency's minor units (cents for USD).</param>
/// <param name="ReferenceId">PayPal's "Customer ID" column: up to 30 characters, no spaces. Remit puts the payout id
/// here so PayPal's reports lead back to the payout.</param>
/// <param name="Note">PayPal's "Note to recipient", shown in the payment email.</param>
public sealed record PayPalUploadItem(string RecipientEmail, long AmountMinor, string? ReferenceId = null, string? Note = null);

/// <summary>
/// The CSV a merchant uploads at PayPal's Payouts web page to pay many affiliates at once: no header row, one row per
/// payment with the columns recipient, amount, currency, customer ID, note to recipient, recipient wallet (RFC 4180).
/// </summary>
public static class PayPalUploadCsv
{
    /// <summary>PayPal takes at most this many payments per uploaded file.</summary>
    public const int MaxRows = 5000;
    public const int MaxReferenceIdLength = 30;
    public const int MaxNoteLength = 400;
    public const int MaxRecipientLength = 127;

    private const string PayPalWallet = "PAYPAL";

    // PayPal refuses decimals for these even though ISO 4217 gives HUF and TWD two; JPY already has none.
    private static readonly HashSet<string> WholeUnitCurrencies = new(StringComparer.Ordinal) { "HUF", "JPY", "TWD" };

    /// <summary>
    /// Writes the rows to <paramref name="writer"/>, which stays open. Every row is checked before anything is
    /// written, so a bad row leaves the writer untouched. <paramref name="currencyDecimals"/> is the currency's ISO
    /// 4217 exponent; amounts are written with exactly that many decimals and a '.' separator ("1250.00").
    /// </summary>
    public static void Write(TextWriter writer, string currency, int currencyDecimals, IReadOnlyList<PayPalUploadItem> items)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("The currency must be an upper-case ISO 4217 code.", nameof(currency));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(currencyDecimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(currencyDecimals, 4);
        if (items.Count > MaxRows)
        {
            throw new ArgumentException($"PayPal takes at most {MaxRows} payments per file.", nameof(items));
        }

        var rows = items.Select(item => ToRow(item, currency, currencyDecimals)).ToList();

        // CsvHelper's RFC 4180 mode quotes only the cells that need it (comma, quote, line break), ends rows with CRLF
        // and guards formulas: an email such as =1+1@example.com is written '=1+1@example.com (PayPal then refuses
        // that one row; the merchant's spreadsheet never runs it).
        using var csv = CsvWriter.Create(writer, Api.CsvFiles.Options, leaveOpen: true);
        foreach (var cells in rows)
        {
            csv.WriteRecord(cells);
        }
    }

    /// <summary>The amount as PayPal's upload wants it: '.' as separator, the currency's decimals, no grouping.</summary>
    public static string FormatAmount(long amountMinor, string currency, int currencyDecimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(currencyDecimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(currencyDecimals, 4);
        var scale = Pow10(currencyDecimals);
        if (WholeUnitCurrencies.Contains(currency) && currencyDecimals > 0)
        {
            if (amountMinor % scale != 0)
            {
                throw new ArgumentException($"PayPal pays {currency} in whole units only.", nameof(amountMinor));
            }
            return (amountMinor / scale).ToString(CultureInfo.InvariantCulture);
        }

        var whole = (amountMinor / scale).ToString(CultureInfo.InvariantCulture);
        return currencyDecimals == 0
            ? whole
            : whole + "." + (amountMinor % scale).ToString(CultureInfo.InvariantCulture).PadLeft(currencyDecimals, '0');
    }

    private static string[] ToRow(PayPalUploadItem item, string currency, int currencyDecimals)
    {
        ArgumentNullException.ThrowIfNull(item);
        var recipient = item.RecipientEmail?.Trim() ?? "";
        if (recipient.Length is 0 or > MaxRecipientLength || recipient.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"The recipient \"{item.RecipientEmail}\" must be 1–{MaxRecipientLength} characters without spaces.", nameof(item));
        }
        if (item.AmountMinor <= 0)
        {
            throw new ArgumentException($"The amount for {recipient} must be positive.", nameof(item));
        }

        var reference = item.ReferenceId?.Trim() ?? "";
        if (reference.Length > MaxReferenceIdLength || reference.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"The reference \"{item.ReferenceId}\" must be at most {MaxReferenceIdLength} characters without spaces.", nameof(item));
        }

        return [recipient, FormatAmount(item.AmountMinor, currency, currencyDecimals), currency, reference, CleanNote(item.Note), PayPalWallet];
    }

    // A line break inside a quoted cell is valid CSV, but the note is one line in PayPal's email, so it becomes a space.
    private static string CleanNote(string? note)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return "";
        }

        var oneLine = string.Join(' ', note.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (oneLine.Length <= MaxNoteLength)
        {
            return oneLine;
        }

        // Cut on a text-element boundary so no surrogate pair or accent is split.
        var cut = 0;
        var elements = StringInfo.GetTextElementEnumerator(oneLine);
        while (elements.MoveNext() && elements.ElementIndex + elements.GetTextElement().Length <= MaxNoteLength)
        {
            cut = elements.ElementIndex + elements.GetTextElement().Length;
        }
        return oneLine[..cut];
    }

    private static long Pow10(int exponent)
    {
        var result = 1L;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }
        return result;
    }
}
