using CsvHelper;

namespace Remit.Api;

/// <summary>How every CSV Remit writes is written (payouts export, PayPal upload, USDC transfer list).</summary>
public static class CsvFiles
{
    /// <summary>
    /// RFC 4180 (CRLF, quotes only where needed, UTF-8 without BOM) with CsvHelper's formula guard: a text cell
    /// starting with =, +, -, @, tab or CR gets a leading apostrophe (and quotes), so a name, email or note typed by
    /// an affiliate cannot run as a formula in the merchant's spreadsheet. Numbers and dates are never touched, so a
    /// negative amount stays a number.
    /// </summary>
    public static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };
}
