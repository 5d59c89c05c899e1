using System.Globalization;
using System.IO.Compression;
using CsvHelper;

namespace Remit.Tax1099;

/// <summary>One file of a package: its name and bytes.</summary>
public sealed record TaxFile(string Name, string ContentType, byte[] Bytes);

/// <summary>
/// The IRIS Taxpayer Portal's bulk upload for Form 1099-NEC: the IRS's CSV template, its header row exactly as the
/// template has it, one row per return, at most 100 returns a file (the portal's limit for one upload), written
/// through CsvHelper like every CSV Remit writes. The payer block repeats on every row, as the template wants.
/// </summary>
public static class IrisCsv
{
    public const int FormsPerFile = 100;

    /// <summary>The template's header row, in its order.</summary>
    public static readonly string[] Columns =
    [
        "Form Type", "Tax Year", "Payer TIN Type", "Payer Taxpayer ID Number", "Payer Name Type",
        "Payer Business or Entity Name Line 1", "Payer Business or Entity Name Line 2",
        "Payer First Name", "Payer Middle Name", "Payer Last Name (Surname)", "Payer Suffix",
        "Payer Country", "Payer Address Line 1", "Payer Address Line 2", "Payer City/Town",
        "Payer State/Province/Territory", "Payer ZIP/Postal Code", "Payer Phone Type", "Payer Phone",
        "Payer Email Address", "Recipient TIN Type", "Recipient Taxpayer ID Number", "Recipient Name Type",
        "Recipient Business or Entity Name Line 1", "Recipient Business or Entity Name Line 2",
        "Recipient First Name", "Recipient Middle Name", "Recipient Last Name (Surname)", "Recipient Suffix",
        "Recipient Country", "Recipient Address Line 1", "Recipient Address Line 2", "Recipient City/Town",
        "Recipient State/Province/Territory", "Recipient ZIP/Postal Code", "Office Code", "Form Account Number",
        "2nd TIN Notice", "Box 1 - Nonemployee Compensation",
        "Box 2 - Payer made direct sales totaling $5000 or more of consumer products to a recipient for resale",
        "Box 4 - Federal income tax withheld", "Combined Federal/State Filing",
        "State 1", "State 1 - State Tax Withheld", "State 1 - State/Payer state number", "State 1 - State income",
        "State 1 - Local income tax withheld", "State 1 - Special Data Entries",
        "State 2", "State 2 - State Tax Withheld", "State 2 - State/Payer state number", "State 2 - State income",
        "State 2 - Local income tax withheld", "State 2 - Special Data Entries",
    ];

    /// <summary>
    /// The year's returns as upload files of at most 100 rows each: <c>iris-1099-nec-{year}.csv</c> when one file
    /// holds them, else numbered <c>-1</c>, <c>-2</c>, …; corrected returns in their own files (<c>-corrected</c>),
    /// for the portal's correction upload.
    /// </summary>
    public static IReadOnlyList<TaxFile> Files(int year, NecPayer payer, IReadOnlyList<NecReturn> returns)
    {
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(returns);
        var corrected = returns.Any(r => r.Corrected);
        var stem = corrected ? $"iris-1099-nec-{year}-corrected" : $"iris-1099-nec-{year}";
        var chunks = returns.Chunk(FormsPerFile).ToList();
        if (chunks.Count == 0) chunks.Add([]);
        return chunks.Select((chunk, i) => new TaxFile(
            chunks.Count == 1 ? $"{stem}.csv" : $"{stem}-{i + 1}.csv", "text/csv", Write(year, payer, chunk))).ToList();
    }

    public static byte[] Write(int year, NecPayer payer, IReadOnlyList<NecReturn> returns)
    {
        if (returns.Count > FormsPerFile) throw new ArgumentException($"An IRIS upload holds at most {FormsPerFile} returns.", nameof(returns));
        if (returns.Select(r => r.Corrected).Distinct().Count() > 1)
            throw new ArgumentException("Original and corrected returns go in separate uploads.", nameof(returns));
        using var bytes = new MemoryStream();
        using (var csv = CsvWriter.Create(bytes, Api.CsvFiles.Options, leaveOpen: true))
        {
            csv.WriteRecord(Columns);
            foreach (var r in returns) csv.WriteRecord(Row(year, payer, r));
        }
        return bytes.ToArray();
    }

    private static string[] Row(int year, NecPayer payer, NecReturn r)
    {
        var recipient = r.Recipient;
        var (first, middle, last) = recipient.IsIndividual ? recipient.NameParts : ("", "", "");
        var row = new string[Columns.Length];
        Array.Fill(row, "");
        void Set(string column, string? value) => row[Array.IndexOf(Columns, column)] = value ?? "";

        Set("Form Type", "1099-NEC");
        Set("Tax Year", year.ToString(CultureInfo.InvariantCulture));
        Set("Payer TIN Type", "EIN");
        Set("Payer Taxpayer ID Number", payer.Ein);
        Set("Payer Name Type", "B");
        Set("Payer Business or Entity Name Line 1", payer.Name);
        Set("Payer Country", "US");
        Set("Payer Address Line 1", payer.Address.Line1);
        Set("Payer Address Line 2", payer.Address.Line2);
        Set("Payer City/Town", payer.Address.City);
        Set("Payer State/Province/Territory", payer.Address.State);
        Set("Payer ZIP/Postal Code", payer.Address.Zip);
        Set("Payer Phone Type", "D");
        Set("Payer Phone", payer.Phone);
        Set("Payer Email Address", payer.ContactEmail);
        Set("Recipient TIN Type", recipient.TinType.ToString().ToUpperInvariant());
        Set("Recipient Taxpayer ID Number", recipient.Tin);
        Set("Recipient Name Type", recipient.IsIndividual ? "I" : "B");
        if (recipient.IsIndividual)
        {
            Set("Recipient First Name", first);
            Set("Recipient Middle Name", middle);
            Set("Recipient Last Name (Surname)", last);
        }
        else
        {
            Set("Recipient Business or Entity Name Line 1", recipient.Name);
            Set("Recipient Business or Entity Name Line 2", recipient.BusinessName);
        }
        Set("Recipient Country", "US");
        Set("Recipient Address Line 1", recipient.Address.Line1);
        Set("Recipient Address Line 2", recipient.Address.Line2);
        Set("Recipient City/Town", recipient.Address.City);
        Set("Recipient State/Province/Territory", recipient.Address.State);
        Set("Recipient ZIP/Postal Code", recipient.Address.Zip);
        // The affiliate id: how the merchant (and a later correction) finds this return among theirs.
        Set("Form Account Number", r.RecordId);
        Set("2nd TIN Notice", "N");
        Set("Box 1 - Nonemployee Compensation", NecAmount.Dollars(r.AmountCents));
        Set("Box 2 - Payer made direct sales totaling $5000 or more of consumer products to a recipient for resale", "N");
        Set("Combined Federal/State Filing", "N");
        return row;
    }

    /// <summary>Several files as one zip (the package a merchant downloads when there is more than one file).</summary>
    public static byte[] Zip(IReadOnlyList<TaxFile> files)
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var entry = zip.CreateEntry(file.Name, CompressionLevel.Optimal);
                // A fixed time, so the same forms give the same bytes whenever they are downloaded.
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var stream = entry.Open();
                stream.Write(file.Bytes);
            }
        }
        return bytes.ToArray();
    }
}
