using System.Globalization;
using System.Text;

namespace Remit.Payments;

public enum NachaAccountType
{
    Checking,
    Savings,
}

/// <summary>Decides the batch an entry goes in: PPD for individuals, CCD for businesses.</summary>
public enum NachaHolderType
{
    Individual,
    Business,
}

/// <summary>The file header: who the file goes to and comes from, and when it was made.</summary>
public sealed record NachaFileHeader
{
    /// <summary>Routing number of the bank or ACH operator receiving the file: 9 digits, or 10 characters exactly as
    /// that bank specifies them.</summary>
    public required string ImmediateDestination { get; init; }

    public required string ImmediateDestinationName { get; init; }

    /// <summary>9-digit routing number (usually the ODFI's), or 10 characters as the bank specifies them (often "1"
    /// followed by the company's EIN).</summary>
    public required string ImmediateOrigin { get; init; }

    public required string ImmediateOriginName { get; init; }

    /// <summary>Local date and time of the file, passed in so the same inputs always give the same bytes.</summary>
    public required DateOnly CreationDate { get; init; }

    public required TimeOnly CreationTime { get; init; }

    /// <summary>A–Z or 0–9; tells apart files made for the same destination on the same day.</summary>
    public char FileIdModifier { get; init; } = 'A';

    /// <summary>Up to 8 characters for the originator's own use; blank when not given.</summary>
    public string ReferenceCode { get; init; } = "";
}

/// <summary>The merchant's ACH settings that go into every batch.</summary>
public sealed record NachaOriginator
{
    /// <summary>The originating bank's 9-digit routing number; its first 8 digits identify it in batches and
    /// trace numbers.</summary>
    public required string OdfiRouting { get; init; }

    public required string CompanyName { get; init; }

    /// <summary>Up to 10 characters as the ODFI assigned them (often "1" followed by the EIN).</summary>
    public required string CompanyId { get; init; }

    /// <summary>Shown on the receiver's bank statement, e.g. "PAYOUT".</summary>
    public required string EntryDescription { get; init; }

    /// <summary>The banking day the originator wants the credits to settle.</summary>
    public required DateOnly EffectiveEntryDate { get; init; }
}

/// <summary>One payout: a credit to the holder's checking (transaction code 22) or savings (32) account.</summary>
public sealed record NachaCredit
{
    /// <summary>Written as the entry's identification number (up to 15 characters), so a return can be matched to
    /// its payout.</summary>
    public required string PayoutId { get; init; }

    public required string HolderName { get; init; }

    public required NachaHolderType HolderType { get; init; }

    /// <summary>The receiving bank's 9-digit routing number, check digit included.</summary>
    public required string RoutingNumber { get; init; }

    public required string AccountNumber { get; init; }

    public required NachaAccountType AccountType { get; init; }

    public required long AmountCents { get; init; }

    /// <summary>Two characters the receiving bank may use; blank when not given.</summary>
    public string DiscretionaryData { get; init; } = "";

    /// <summary>When given, a 05 addenda record with up to 80 characters of payment information follows the entry.
    /// </summary>
    public string? PaymentInformation { get; init; }
}

/// <summary>
/// Writes a NACHA ACH file of credits for the merchant to upload to their bank. The output is ASCII, 94-character
/// records separated by LF with no line break after the last one, padded with all-9 records to whole blocks of 10.
/// </summary>
public static class Nacha
{
    // No NACHA writer is to be had from NuGet, so the fixed layout of the NACHA Operating Rules (Appendix Three) is
    // written here by hand and tested byte for byte against files made by moov-io/ach.
    public const int RecordLength = 94;
    public const int BlockingFactor = 10;
    public const int CompanyNameLength = 16;
    public const int CompanyIdLength = 10;
    public const int EntryDescriptionLength = 10;
    public const int ImmediateNameLength = 23;
    public const int HolderNameLength = 22;
    public const int AccountNumberLength = 17;
    public const int PayoutIdLength = 15;
    public const int PaymentInformationLength = 80;
    public const long MaxAmountCents = 99_999_999_99;

    private const string CreditsOnlyServiceClass = "220";
    private const int MaxEntriesPerFile = 9_999_999;
    private const long EntryHashModulus = 10_000_000_000;

    public static byte[] WriteBytes(NachaFileHeader header, NachaOriginator originator, IReadOnlyList<NachaCredit> credits) =>
        Encoding.ASCII.GetBytes(Write(header, originator, credits));

    public static string Write(NachaFileHeader header, NachaOriginator originator, IReadOnlyList<NachaCredit> credits)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(originator);
        ArgumentNullException.ThrowIfNull(credits);
        if (credits.Count == 0)
        {
            throw new ArgumentException("A NACHA file needs at least one credit.", nameof(credits));
        }
        if (credits.Count > MaxEntriesPerFile)
        {
            throw new ArgumentException($"A NACHA file holds at most {MaxEntriesPerFile} entries.", nameof(credits));
        }
        if (credits.Any(c => c is null))
        {
            throw new ArgumentException("The credits must not contain null.", nameof(credits));
        }

        var odfi8 = RoutingNumber(originator.OdfiRouting, nameof(originator.OdfiRouting))[..8];
        var companyName = ToAchText(originator.CompanyName, CompanyNameLength);
        var companyId = Identifier(originator.CompanyId, CompanyIdLength, nameof(originator.CompanyId), required: true);
        var entryDescription = ToAchText(originator.EntryDescription, EntryDescriptionLength);
        if (entryDescription.Length == 0)
        {
            throw new ArgumentException("The entry description is required.", nameof(originator));
        }

        var records = new List<string>(credits.Count + 8) { FileHeaderRecord(header) };

        var traceSequence = 0;
        var batchNumber = 0;
        long fileEntryCount = 0, fileEntryHash = 0, fileCredit = 0;

        foreach (var (holderType, secCode) in new[] { (NachaHolderType.Individual, "PPD"), (NachaHolderType.Business, "CCD") })
        {
            var batchCredits = credits.Where(c => c.HolderType == holderType).ToList();
            if (batchCredits.Count == 0)
            {
                continue;
            }

            batchNumber++;
            records.Add(new Record(RecordLength)
                .Text("5").Text(CreditsOnlyServiceClass).Alpha(companyName, CompanyNameLength)
                .Alpha("", 20) // company discretionary data
                .Alpha(companyId, CompanyIdLength).Text(secCode).Alpha(entryDescription, EntryDescriptionLength)
                .Alpha("", 6) // company descriptive date
                .Text(YyMmDd(originator.EffectiveEntryDate))
                .Alpha("", 3) // settlement date: the ACH operator fills it in
                .Text("1") // originator status code: a depository financial institution
                .Text(odfi8).Number(batchNumber, 7)
                .Build());

            long entryCount = 0, entryHash = 0, totalCredit = 0;
            foreach (var credit in batchCredits)
            {
                traceSequence++;
                var entry = EntryFields.From(credit);
                var hasAddenda = entry.PaymentInformation.Length > 0;

                records.Add(new Record(RecordLength)
                    .Text("6").Text(entry.TransactionCode).Text(entry.Routing)
                    .Alpha(entry.AccountNumber, AccountNumberLength).Number(credit.AmountCents, 10)
                    .Alpha(entry.PayoutId, PayoutIdLength).Alpha(entry.HolderName, HolderNameLength)
                    .Alpha(entry.DiscretionaryData, 2).Text(hasAddenda ? "1" : "0")
                    .Text(odfi8).Number(traceSequence, 7)
                    .Build());
                entryCount++;

                if (hasAddenda)
                {
                    records.Add(new Record(RecordLength)
                        .Text("705").Alpha(entry.PaymentInformation, PaymentInformationLength)
                        .Number(1, 4) // addenda sequence: only one addenda is allowed on PPD and CCD entries
                        .Number(traceSequence, 7)
                        .Build());
                    entryCount++;
                }

                entryHash += long.Parse(entry.Routing.AsSpan(0, 8), CultureInfo.InvariantCulture);
                totalCredit += credit.AmountCents;
            }

            records.Add(new Record(RecordLength)
                .Text("8").Text(CreditsOnlyServiceClass).Number(entryCount, 6)
                .Number(entryHash % EntryHashModulus, 10)
                .Number(0, 12).Number(totalCredit, 12, "batch total credit")
                .Alpha(companyId, CompanyIdLength)
                .Alpha("", 19) // message authentication code
                .Alpha("", 6) // reserved
                .Text(odfi8).Number(batchNumber, 7)
                .Build());

            fileEntryCount += entryCount;
            fileEntryHash += entryHash;
            fileCredit += totalCredit;
        }

        // The file control record counts itself in the block count.
        var blockCount = (records.Count + 1 + BlockingFactor - 1) / BlockingFactor;
        records.Add(new Record(RecordLength)
            .Text("9").Number(batchNumber, 6).Number(blockCount, 6).Number(fileEntryCount, 8)
            .Number(fileEntryHash % EntryHashModulus, 10)
            .Number(0, 12).Number(fileCredit, 12, "file total credit")
            .Alpha("", 39)
            .Build());

        var filler = new string('9', RecordLength);
        while (records.Count % BlockingFactor != 0)
        {
            records.Add(filler);
        }

        return string.Join('\n', records);
    }

    /// <summary>
    /// What a free-text value becomes in a NACHA field: ASCII only (accents dropped, a few letters spelled out,
    /// other scripts removed), control characters and runs of spaces made one space, cut to the field's length.
    /// The API can use it to warn when a holder name would come out empty.
    /// </summary>
    public static string ToAchText(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = new StringBuilder(value.Length);
        foreach (var c in value.Normalize(NormalizationForm.FormKD))
        {
            if (c is > ' ' and <= '~')
            {
                text.Append(c);
            }
            else if (c == ' ' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (text.Length > 0 && text[^1] != ' ')
                {
                    text.Append(' ');
                }
            }
            else if (Transliterations.TryGetValue(c, out var ascii))
            {
                text.Append(ascii);
            }
            // Anything else (combining accents after decomposition, other scripts, emoji) has no ASCII form.
        }

        var result = text.ToString().Trim();
        return result.Length <= maxLength ? result : result[..maxLength].TrimEnd();
    }

    // Letters and punctuation that Unicode decomposition leaves as non-ASCII but that have a usual ASCII spelling.
    private static readonly Dictionary<char, string> Transliterations = new()
    {
        ['ß'] = "ss", ['æ'] = "ae", ['Æ'] = "AE", ['œ'] = "oe", ['Œ'] = "OE", ['ø'] = "o", ['Ø'] = "O",
        ['ł'] = "l", ['Ł'] = "L", ['đ'] = "d", ['Đ'] = "D", ['ð'] = "d", ['Ð'] = "D", ['þ'] = "th", ['Þ'] = "TH",
        ['ı'] = "i", ['‘'] = "'", ['’'] = "'", ['“'] = "\"", ['”'] = "\"", ['–'] = "-", ['—'] = "-",
    };

    private static string FileHeaderRecord(NachaFileHeader header)
    {
        var modifier = header.FileIdModifier;
        if (modifier is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9')))
        {
            throw new ArgumentException("The file ID modifier must be A–Z or 0–9.", nameof(header));
        }

        return new Record(RecordLength)
            .Text("101") // record type 1, priority code 01
            .Text(RoutingField(header.ImmediateDestination, nameof(header.ImmediateDestination)))
            .Text(RoutingField(header.ImmediateOrigin, nameof(header.ImmediateOrigin)))
            .Text(YyMmDd(header.CreationDate))
            .Text(header.CreationTime.ToString("HHmm", CultureInfo.InvariantCulture))
            .Text(modifier.ToString())
            .Text("094").Text("10").Text("1") // record size, blocking factor, format code
            .Alpha(ToAchText(header.ImmediateDestinationName, ImmediateNameLength), ImmediateNameLength)
            .Alpha(ToAchText(header.ImmediateOriginName, ImmediateNameLength), ImmediateNameLength)
            .Alpha(ToAchText(header.ReferenceCode, 8), 8)
            .Build();
    }

    // The immediate destination and origin are 10 characters: a routing number gets a leading blank, while a
    // 10-character value a bank assigned (such as "1" + EIN) is written as given.
    private static string RoutingField(string? value, string field)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 10 && trimmed.All(char.IsAsciiLetterOrDigit))
        {
            return trimmed;
        }
        return " " + RoutingNumber(trimmed, field);
    }

    private static string RoutingNumber(string? value, string field) =>
        AbaRouting.IsValid(value) ? value! : throw new ArgumentException($"{field} is not a valid routing number.", field);

    private static string Identifier(string? value, int maxLength, string field, bool required)
    {
        var trimmed = value?.Trim() ?? "";
        if (required && trimmed.Length == 0)
        {
            throw new ArgumentException($"{field} is required.", field);
        }
        if (trimmed.Length > maxLength || trimmed.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException(
                $"{field} must be at most {maxLength} printable ASCII characters without spaces.", field);
        }
        return trimmed;
    }

    private static string YyMmDd(DateOnly date) => date.ToString("yyMMdd", CultureInfo.InvariantCulture);

    private readonly record struct EntryFields(
        string TransactionCode, string Routing, string AccountNumber, string PayoutId, string HolderName,
        string DiscretionaryData, string PaymentInformation)
    {
        public static EntryFields From(NachaCredit credit)
        {
            var where = $"credit for payout {credit.PayoutId}";
            if (credit.AmountCents is <= 0 or > MaxAmountCents)
            {
                throw new ArgumentException(
                    $"The {where} must be between 1 and {MaxAmountCents} cents.", nameof(credit.AmountCents));
            }

            var holderName = ToAchText(credit.HolderName, HolderNameLength);
            if (holderName.Length == 0)
            {
                throw new ArgumentException(
                    $"The {where} has no holder name that can be written in ASCII.", nameof(credit.HolderName));
            }

            return new EntryFields(
                TransactionCode: credit.AccountType switch
                {
                    NachaAccountType.Checking => "22",
                    NachaAccountType.Savings => "32",
                    _ => throw new ArgumentException($"Unknown account type for the {where}.", nameof(credit.AccountType)),
                },
                Routing: AbaRouting.IsValid(credit.RoutingNumber)
                    ? credit.RoutingNumber
                    : throw new ArgumentException($"The {where} has an invalid routing number.", nameof(credit.RoutingNumber)),
                AccountNumber: Identifier(credit.AccountNumber, AccountNumberLength, $"Account number of the {where}", required: true),
                PayoutId: Identifier(credit.PayoutId, PayoutIdLength, "Payout id", required: false),
                HolderName: holderName,
                DiscretionaryData: ToAchText(credit.DiscretionaryData, 2),
                PaymentInformation: ToAchText(credit.PaymentInformation, PaymentInformationLength));
        }
    }

    /// <summary>Builds one fixed-width record and refuses to produce one of the wrong length.</summary>
    private sealed class Record(int length)
    {
        private readonly StringBuilder _text = new(length);

        public Record Text(string value)
        {
            _text.Append(value);
            return this;
        }

        /// <summary>Left-justified and blank-filled, as NACHA lays out alphanumeric fields.</summary>
        public Record Alpha(string value, int width)
        {
            _text.Append(value).Append(' ', width - value.Length);
            return this;
        }

        /// <summary>Right-justified and zero-filled, as NACHA lays out numeric fields.</summary>
        public Record Number(long value, int width, string? what = null)
        {
            var digits = value.ToString(CultureInfo.InvariantCulture);
            if (value < 0 || digits.Length > width)
            {
                throw new ArgumentException($"The {what ?? "value"} {value} does not fit {width} digits.");
            }
            _text.Append('0', width - digits.Length).Append(digits);
            return this;
        }

        public string Build() =>
            _text.Length == length
                ? _text.ToString()
                : throw new InvalidOperationException($"A NACHA record came out {_text.Length} characters long.");
    }
}
