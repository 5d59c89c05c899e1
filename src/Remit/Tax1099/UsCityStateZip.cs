using System.Text.RegularExpressions;

namespace Remit.Tax1099;

/// <summary>
/// W-9 line 6 ("City, state, and ZIP code") is one typed line; the IRIS files want the three apart. "Austin, TX 73301",
/// "Austin TX 73301-1234" and "St. Louis, Mo 63101" read; anything else is reported as missing before January 31
/// rather than guessed.
/// </summary>
public static partial class UsCityStateZip
{
    [GeneratedRegex(@"^\s*(?<city>.+?)(?:\s*,\s*|\s+)(?<state>[A-Za-z]{2})\.?\s+(?<zip>\d{5})(?:-?(?<plus4>\d{4}))?\s*$")]
    private static partial Regex Pattern();

    public static bool TryParse(string? line, out string city, out string state, out string zip)
    {
        city = state = zip = "";
        var m = line is null ? Match.Empty : Pattern().Match(line);
        if (!m.Success) return false;
        city = m.Groups["city"].Value.TrimEnd(',');
        state = m.Groups["state"].Value.ToUpperInvariant();
        zip = m.Groups["zip"].Value + m.Groups["plus4"].Value;
        return true;
    }
}
