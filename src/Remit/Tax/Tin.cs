namespace Remit.Tax;

/// <summary>
/// US taxpayer identification numbers: SSN, ITIN and EIN, the one place their rules live. Accepted with or without
/// dashes (and spaces), kept as nine digits. A number that passes is well-formed, not necessarily issued: the IRS's
/// TIN matching (<see cref="TinMatching"/>) says whether it belongs to the name.
/// </summary>
public static class Tin
{
    public const string Ssn = "ssn", Itin = "itin", Ein = "ein";
    public static readonly string[] Types = [Ssn, Itin, Ein];

    /// <summary>
    /// EIN prefixes the IRS assigns (irs.gov, "How EINs are assigned and valid EIN prefixes": the campus prefixes
    /// and the Internet, SBA ones together). Any other two digits are no EIN.
    /// </summary>
    private static readonly HashSet<int> EinPrefixes =
    [
        1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27,
        30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
        50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68,
        71, 72, 73, 74, 75, 76, 77, 80, 81, 82, 83, 84, 85, 86, 87, 88, 90, 91, 92, 93, 94, 95, 98, 99,
    ];

    /// <summary>The nine digits of a TIN typed with or without dashes or spaces; null when it is not nine digits so written.</summary>
    public static string? Digits(string? text)
    {
        if (text is null) return null;
        var digits = new string(text.Where(c => c is not ('-' or ' ')).ToArray());
        return digits.Length == 9 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>Why <paramref name="text"/> is not a valid TIN of <paramref name="type"/>, or null when it is.</summary>
    public static string? Problem(string type, string? text)
    {
        var d = Digits(text);
        if (d is null) return type == Ein ? "An EIN is nine digits, written 12-3456789." : $"An {type.ToUpperInvariant()} is nine digits, written 123-45-6789.";
        var area = int.Parse(d[..3], System.Globalization.CultureInfo.InvariantCulture);
        var group = int.Parse(d[3..5], System.Globalization.CultureInfo.InvariantCulture);
        var serial = d[5..];
        return type switch
        {
            Ssn when area is 0 or 666 or >= 900 => "This is not a valid SSN: it cannot start with 000, 666 or 9 (a number starting with 9 is an ITIN).",
            Ssn when group == 0 => "This is not a valid SSN: its middle two digits cannot be 00.",
            Ssn when serial == "0000" => "This is not a valid SSN: its last four digits cannot be 0000.",
            Itin when area < 900 => "This is not a valid ITIN: an ITIN starts with 9.",
            Itin when !IsItinGroup(group) => "This is not a valid ITIN: its middle two digits must be 50–65, 70–88, 90–92 or 94–99.",
            Ein when !EinPrefixes.Contains(int.Parse(d[..2], System.Globalization.CultureInfo.InvariantCulture)) =>
                $"This is not a valid EIN: the IRS assigns no EIN starting with {d[..2]}.",
            Ssn or Itin or Ein => null,
            _ => $"tin_type must be one of {string.Join(", ", Types)}.",
        };
    }

    private static bool IsItinGroup(int group) => group is >= 50 and <= 65 or >= 70 and <= 88 or >= 90 and <= 92 or >= 94 and <= 99;

    /// <summary>The type a US TIN of an individual has: ITINs are the nine-hundreds.</summary>
    public static string IndividualType(string digits) => digits[0] == '9' ? Itin : Ssn;

    /// <summary>As a person may see it: <c>•••-••-6789</c> (SSN, ITIN) or <c>••-•••6789</c> (EIN).</summary>
    public static string Mask(string? type, string last4) => type == Ein ? $"••-•••{last4}" : $"•••-••-{last4}";

    /// <summary>Written out in full, only on documents whose purpose is to carry it (the signed form's PDF).</summary>
    public static string Format(string? type, string digits) =>
        type == Ein ? $"{digits[..2]}-{digits[2..]}" : $"{digits[..3]}-{digits[3..5]}-{digits[5..]}";

    /// <summary>A foreign TIN: as the other country writes it (letters, digits and separators), at most 50 characters.</summary>
    public static string? ForeignProblem(string text) =>
        text.Length > 50 ? "A foreign TIN is at most 50 characters."
        : !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ' ' or '.' or '/') ? "A foreign TIN has letters, digits, spaces, dashes, dots or slashes only."
        : !text.Any(char.IsAsciiLetterOrDigit) ? "A foreign TIN needs at least one letter or digit."
        : null;
}
