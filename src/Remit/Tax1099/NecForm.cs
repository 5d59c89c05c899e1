namespace Remit.Tax1099;

/// <summary>A US postal address as the IRS files take it: street lines, city, two-letter state, ZIP (5 or 9 digits).</summary>
public sealed record UsAddress(string Line1, string? Line2, string City, string State, string Zip);

/// <summary>The payer (the merchant), from the payer settings: everything a 1099-NEC and its files say about them.</summary>
/// <param name="Ein">Nine digits.</param>
/// <param name="Phone">Digits only.</param>
/// <param name="IrisTcc">The IRIS Transmitter Control Code (five characters), for the A2A file.</param>
public sealed record NecPayer(string Name, string Ein, UsAddress Address, string Phone, string ContactEmail, string IrisTcc);

public enum NecTinType { Ssn, Itin, Ein }

/// <summary>
/// The recipient as their W-9 says: line 1's name, line 2's business name, and whether the return names a person
/// (an individual or sole proprietor, with an SSN or ITIN) or a business (an EIN).
/// </summary>
public sealed record NecRecipient(long AffiliateId, string Name, string? BusinessName, NecTinType TinType, string Tin, UsAddress Address)
{
    /// <summary>A person's return carries first and last name; a business's its name lines.</summary>
    public bool IsIndividual => TinType is NecTinType.Ssn or NecTinType.Itin;

    /// <summary>"Ada King Lovelace" → ("Ada", "King", "Lovelace"): the last word is the surname, the first the given name.</summary>
    public (string First, string Middle, string Last) NameParts
    {
        get
        {
            var words = Name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return words.Length switch
            {
                0 => ("", "", ""),
                1 => ("", "", words[0]),
                _ => (words[0], string.Join(' ', words[1..^1]), words[^1]),
            };
        }
    }

    /// <summary>The TIN as the recipient's copy shows it: all but the last four masked (Settled details).</summary>
    public string MaskedTin => TinType == NecTinType.Ein ? $"••-•••{Tin[^4..]}" : $"•••-••-{Tin[^4..]}";
}

/// <summary>
/// One 1099-NEC return for a tax year: box 1 in cents. A corrected return (after the amount changed once filed) names
/// the original it corrects by the IRS receipt id it was filed under and its record id.
/// </summary>
public sealed record NecReturn(NecRecipient Recipient, long AmountCents, NecCorrection? Correction = null)
{
    public bool Corrected => Correction is not null;

    /// <summary>The record's id inside its submission: the affiliate id, stable across files, so a correction can name
    /// the record it corrects without Remit having to remember positions in a file.</summary>
    public string RecordId => Recipient.AffiliateId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <param name="OriginalReceiptId">The receipt id the IRS gave the filing being corrected.</param>
public sealed record NecCorrection(string OriginalReceiptId);

/// <summary>Amounts in the form the IRS files take: dollars with two decimals, no grouping ("2000.00").</summary>
public static class NecAmount
{
    public static string Dollars(long cents) =>
        Api.Money.ToDecimal(cents, "USD").ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
