using System.Globalization;

namespace Remit.Tax;

/// <summary>The values of a form's fields, flat: one snake_case key per line (addresses as <c>permanent_address.city</c>).</summary>
public sealed class FieldValues(IReadOnlyDictionary<string, string> values)
{
    public static readonly FieldValues Empty = new(new Dictionary<string, string>());
    public IReadOnlyDictionary<string, string> All => values;
    public string? this[string key] => values.TryGetValue(key, out var v) ? v : null;
    public bool Has(string key) => values.ContainsKey(key);
    public bool Is(string key, string value) => this[key] == value;
    public bool Checked(string key) => this[key] == "true";
}

public enum FieldKind
{
    Text,
    /// <summary>One of <see cref="FormField.Options"/>.</summary>
    Choice,
    /// <summary>A checkbox: "true" when checked, absent when not.</summary>
    Check,
    /// <summary>ISO 3166-1 alpha-2.</summary>
    Country,
    /// <summary>YYYY-MM-DD, in the past.</summary>
    Date,
    /// <summary>A US TIN (nine digits) of the types in <see cref="FormField.Options"/>, or of the type the form's tin_type says.</summary>
    Tin,
    ForeignTin,
    /// <summary>A withholding rate in percent, 0–30.</summary>
    Rate,
    /// <summary>A GIIN: XXXXXX.XXXXX.XX.XXX.</summary>
    Giin,
}

public sealed record FieldOption(string Value, string Label);

/// <summary>
/// One line of a form, as the IRS prints it: its number, its caption, what it holds, when it applies (a conditional
/// part is neither shown nor kept when it does not) and when it must be filled. Secret fields are kept only encrypted.
/// </summary>
public sealed record FormField(
    string Key, string Line, string Label, FieldKind Kind, string Part,
    bool Required = false, bool Secret = false, int Max = 200, IReadOnlyList<FieldOption>? Options = null,
    Func<FieldValues, bool>? When = null, Func<FieldValues, bool>? RequiredWhen = null, string? Hint = null)
{
    public bool Applies(FieldValues v) => When?.Invoke(v) ?? true;
    public bool IsRequired(FieldValues v) => Required || (RequiredWhen?.Invoke(v) ?? false);
    public string? OptionLabel(string? value) => Options?.FirstOrDefault(o => o.Value == value)?.Label;
}

/// <summary>A form Remit collects: its fields in the order of the paper form and the certification the signer affirms.</summary>
public sealed record TaxFormDefinition(
    string Key, string Title, string Subtitle, string Revision, IReadOnlyList<FormField> Fields,
    string CertificationPart, IReadOnlyList<string> Certification, string? CapacityStatement,
    Action<FieldValues, Action<string, string>>? Rules = null)
{
    public FormField? Field(string key) => Fields.FirstOrDefault(f => f.Key == key);

    /// <summary>The chapter 4 certification the chosen status adds (W-8BEN-E), printed with the form.</summary>
    public IReadOnlyList<string> StatusCertifications(FieldValues v) => Key == TaxFormKinds.W8BenE ? W8BenEDefinition.StatusCertifications(v) : [];
}

public static class TaxFormKinds
{
    public const string W9 = "w9", W8Ben = "w8ben", W8BenE = "w8bene";
    public static readonly string[] All = [W9, W8Ben, W8BenE];

    public static TaxFormDefinition Definition(string kind) => kind switch
    {
        W9 => W9Definition.Form,
        W8Ben => W8BenDefinition.Form,
        W8BenE => W8BenEDefinition.Form,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A W-8 is good until the last day of the third calendar year after the year it was signed (Treas. Reg. §1.1441-1(e)(4)(ii)); a W-9 does not expire.</summary>
    public static DateOnly? ExpiresOn(string kind, DateTime signedAtUtc) =>
        kind == W9 ? null : new DateOnly(signedAtUtc.Year + 3, 12, 31);

    public static string Label(string kind) => kind switch { W9 => "W-9", W8Ben => "W-8BEN", W8BenE => "W-8BEN-E", _ => kind };
}

internal static class Countries
{
    public static bool IsCode(string code)
    {
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper)) return false;
        try
        {
            return new RegionInfo(code).TwoLetterISORegionName == code;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static string Name(string? code)
    {
        if (code is null) return "";
        try
        {
            return new RegionInfo(code).EnglishName;
        }
        catch (ArgumentException)
        {
            return code;
        }
    }
}

internal static class W9Definition
{
    private const string P = "Part I";

    private static bool IsLlc(FieldValues v) => v.Is("tax_classification", "llc");

    /// <summary>Line 3b is for partnerships, trusts and estates, and LLCs taxed as partnerships (the form's own condition).</summary>
    private static bool Flowthrough(FieldValues v) =>
        v.Is("tax_classification", "partnership") || v.Is("tax_classification", "trust_estate") || (IsLlc(v) && v.Is("llc_classification", "p"));

    public static readonly TaxFormDefinition Form = new(
        TaxFormKinds.W9, "Form W-9", "Request for Taxpayer Identification Number and Certification", "Rev. March 2024",
        [
            new("name", "1", "Name of entity/individual", FieldKind.Text, "Identification", Required: true,
                Hint: "For a sole proprietor or disregarded entity, enter the owner's name on line 1."),
            new("business_name", "2", "Business name/disregarded entity name, if different from above", FieldKind.Text, "Identification"),
            new("tax_classification", "3a", "Federal tax classification of the entity/individual", FieldKind.Choice, "Identification", Required: true, Options:
            [
                new("individual", "Individual/sole proprietor"), new("c_corporation", "C corporation"), new("s_corporation", "S corporation"),
                new("partnership", "Partnership"), new("trust_estate", "Trust/estate"),
                new("llc", "LLC"), new("other", "Other"),
            ]),
            new("llc_classification", "3a", "LLC tax classification (C = C corporation, S = S corporation, P = Partnership)", FieldKind.Choice, "Identification",
                Options: [new("c", "C"), new("s", "S"), new("p", "P")], When: IsLlc, RequiredWhen: IsLlc,
                Hint: "Do not check LLC if the LLC is disregarded from its owner: check the owner's classification instead."),
            new("other_classification", "3a", "Other (see instructions)", FieldKind.Text, "Identification", Max: 100,
                When: v => v.Is("tax_classification", "other"), RequiredWhen: v => v.Is("tax_classification", "other")),
            new("foreign_partners", "3b", "If on line 3a you checked \"Partnership\" or \"Trust/estate,\" or checked \"LLC\" and entered \"P\" as its tax classification, and you are providing this form to a partnership, trust, or estate in which you have an ownership interest, check this box if you have any foreign partners, owners, or beneficiaries.",
                FieldKind.Check, "Identification", When: Flowthrough),
            new("exempt_payee_code", "4", "Exempt payee code (if any)", FieldKind.Choice, "Identification",
                Options: [.. Enumerable.Range(1, 13).Select(i => new FieldOption(i.ToString(CultureInfo.InvariantCulture), i.ToString(CultureInfo.InvariantCulture)))],
                When: v => !v.Is("tax_classification", "individual"), Hint: "Codes apply only to certain entities, not individuals."),
            new("fatca_code", "4", "Exemption from Foreign Account Tax Compliance Act (FATCA) reporting code (if any)", FieldKind.Choice, "Identification",
                Options: [.. "ABCDEFGHIJKLM".Select(c => new FieldOption(c.ToString(), c.ToString()))],
                Hint: "Applies to accounts maintained outside the United States."),
            new("address", "5", "Address (number, street, and apt. or suite no.)", FieldKind.Text, "Identification", Required: true),
            new("city_state_zip", "6", "City, state, and ZIP code", FieldKind.Text, "Identification", Required: true),
            new("account_numbers", "7", "List account number(s) here (optional)", FieldKind.Text, "Identification"),
            new("tin_type", P, "Taxpayer Identification Number type", FieldKind.Choice, P, Required: true, Options:
            [
                new(Tin.Ssn, "Social security number (SSN)"), new(Tin.Itin, "Individual taxpayer identification number (ITIN)"),
                new(Tin.Ein, "Employer identification number (EIN)"),
            ], Hint: "Individuals: SSN or ITIN (a sole proprietor may give an EIN). Entities: EIN."),
            new("tin", P, "Taxpayer Identification Number (TIN)", FieldKind.Tin, P, Required: true, Secret: true, Hint: "123-45-6789 or 12-3456789; dashes optional."),
            new("backup_withholding", "Part II", "I have been notified by the IRS that I am currently subject to backup withholding because I have failed to report all interest and dividends on my tax return (item 2 of the certification is crossed out).",
                FieldKind.Check, "Part II"),
        ],
        "Part II Certification",
        [
            "Under penalties of perjury, I certify that:",
            "1. The number shown on this form is my correct taxpayer identification number (or I am waiting for a number to be issued to me); and",
            "2. I am not subject to backup withholding because (a) I am exempt from backup withholding, or (b) I have not been notified by the Internal Revenue Service (IRS) that I am subject to backup withholding as a result of a failure to report all interest or dividends, or (c) the IRS has notified me that I am no longer subject to backup withholding; and",
            "3. I am a U.S. citizen or other U.S. person (defined below); and",
            "4. The FATCA code(s) entered on this form (if any) indicating that I am exempt from FATCA reporting is correct.",
            "Certification instructions. You must cross out item 2 above if you have been notified by the IRS that you are currently subject to backup withholding because you have failed to report all interest and dividends on your tax return. For real estate transactions, item 2 does not apply. For mortgage interest paid, acquisition or abandonment of secured property, cancellation of debt, contributions to an individual retirement arrangement (IRA), and, generally, payments other than interest and dividends, you are not required to sign the certification, but you must provide your correct TIN. See the instructions for Part II, later.",
            "The Internal Revenue Service does not require your consent to any provision of this document other than the certifications required to avoid backup withholding.",
        ],
        null,
        Rules: (v, add) =>
        {
            if (v["tin_type"] is { } type && !v.Is("tax_classification", "individual") && v.Has("tax_classification") && type != Tin.Ein)
                add("tin_type", "An entity gives its EIN (only an individual or sole proprietor gives an SSN or ITIN).");
        });
}

internal static class W8BenDefinition
{
    private const string I = "Part I", II = "Part II";

    private static bool Treaty(FieldValues v) => v.Has("treaty_country");

    public static readonly TaxFormDefinition Form = new(
        TaxFormKinds.W8Ben, "Form W-8BEN", "Certificate of Foreign Status of Beneficial Owner for United States Tax Withholding and Reporting (Individuals)", "Rev. October 2021",
        [
            new("name", "1", "Name of individual who is the beneficial owner", FieldKind.Text, I, Required: true),
            new("country_of_citizenship", "2", "Country of citizenship", FieldKind.Country, I, Required: true),
            new("permanent_address.line1", "3", "Permanent residence address (street, apt. or suite no., or rural route). Do not use a P.O. box or in-care-of address.", FieldKind.Text, I, Required: true),
            new("permanent_address.city", "3", "City or town, state or province. Include postal code where appropriate.", FieldKind.Text, I, Required: true),
            new("permanent_address.country", "3", "Country", FieldKind.Country, I, Required: true),
            new("mailing_address.line1", "4", "Mailing address (if different from above)", FieldKind.Text, I),
            new("mailing_address.city", "4", "City or town, state or province. Include postal code where appropriate.", FieldKind.Text, I,
                RequiredWhen: v => v.Has("mailing_address.line1")),
            new("mailing_address.country", "4", "Country", FieldKind.Country, I, RequiredWhen: v => v.Has("mailing_address.line1")),
            new("us_tin", "5", "U.S. taxpayer identification number (SSN or ITIN), if required", FieldKind.Tin, I, Secret: true,
                Options: [new(Tin.Ssn, "SSN"), new(Tin.Itin, "ITIN")]),
            new("foreign_tin", "6a", "Foreign tax identifying number", FieldKind.ForeignTin, I, Secret: true,
                When: v => !v.Checked("ftin_not_required"), RequiredWhen: v => !v.Checked("ftin_not_required")),
            new("ftin_not_required", "6b", "Check if FTIN not legally required", FieldKind.Check, I),
            new("reference_numbers", "7", "Reference number(s)", FieldKind.Text, I),
            new("date_of_birth", "8", "Date of birth (MM-DD-YYYY)", FieldKind.Date, I, Required: true, Secret: true),
            new("treaty_country", "9", "I certify that the beneficial owner is a resident of this country within the meaning of the income tax treaty between the United States and that country", FieldKind.Country, II),
            new("treaty_article", "10", "Special rates and conditions: the beneficial owner is claiming the provisions of Article and paragraph", FieldKind.Text, II, Max: 50, When: Treaty),
            new("treaty_rate", "10", "of the treaty identified on line 9 above to claim a rate of withholding (%)", FieldKind.Rate, II, When: Treaty,
                RequiredWhen: v => v.Has("treaty_article")),
            new("treaty_income_type", "10", "on (specify type of income)", FieldKind.Text, II, Max: 100, When: Treaty, RequiredWhen: v => v.Has("treaty_article")),
            new("treaty_conditions", "10", "Explain the additional conditions in the Article and paragraph the beneficial owner meets to be eligible for the rate of withholding", FieldKind.Text, II, Max: 500, When: Treaty),
            new("capacity", "Part III", "Capacity in which acting (if form is not signed by beneficial owner)", FieldKind.Text, "Part III", Max: 100),
        ],
        "Part III Certification",
        [
            "Under penalties of perjury, I declare that I have examined the information on this form and to the best of my knowledge and belief it is true, correct, and complete. I further certify under penalties of perjury that:",
            "• I am the individual that is the beneficial owner (or am authorized to sign for the individual that is the beneficial owner) of all the income or proceeds to which this form relates or am using this form to document myself for chapter 4 purposes;",
            "• The person named on line 1 of this form is not a U.S. person;",
            "• This form relates to: (a) income not effectively connected with the conduct of a trade or business in the United States; (b) income effectively connected with the conduct of a trade or business in the United States but is not subject to tax under an applicable income tax treaty; (c) the partner's share of a partnership's effectively connected taxable income; or (d) the partner's amount realized from the transfer of a partnership interest subject to withholding under section 1446(f);",
            "• The person named on line 1 of this form is a resident of the treaty country listed on line 9 of the form (if any) within the meaning of the income tax treaty between the United States and that country; and",
            "• For broker transactions or barter exchanges, the beneficial owner is an exempt foreign person as defined in the instructions.",
            "Furthermore, I authorize this form to be provided to any withholding agent that has control, receipt, or custody of the income of which I am the beneficial owner or any withholding agent that can disburse or make payments of the income of which I am the beneficial owner. I agree that I will submit a new form within 30 days if any certification made on this form becomes incorrect.",
            "The Internal Revenue Service does not require your consent to any provisions of this document other than the certifications required to establish your status as a non-U.S. person and, if applicable, obtain a reduced rate of withholding.",
        ],
        "I certify that I have the capacity to sign for the person identified on line 1 of this form.",
        Rules: (v, add) =>
        {
            if (v.Is("permanent_address.country", "US"))
                add("permanent_address.country", "A W-8BEN is for a person who lives outside the United States; a U.S. resident gives a W-9.");
            if (v.Is("country_of_citizenship", "US"))
                add("country_of_citizenship", "A U.S. citizen gives a W-9, not a W-8BEN.");
            if (v["permanent_address.line1"] is { } street && IsPoBox(street))
                add("permanent_address.line1", "The permanent residence address cannot be a P.O. box or in-care-of address.");
        });

    public static bool IsPoBox(string street)
    {
        var s = street.ToUpperInvariant().Replace(".", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        return s.StartsWith("POBOX", StringComparison.Ordinal) || s.StartsWith("C/O", StringComparison.Ordinal) || s.StartsWith("INCAREOF", StringComparison.Ordinal);
    }
}

internal static class W8BenEDefinition
{
    private const string I = "Part I", III = "Part III";

    private static bool Treaty(FieldValues v) => v.Has("treaty_country");
    private static bool Passive(FieldValues v) => v.Is("chapter4_status", "passive_nffe");
    private static bool OwnersListed(FieldValues v) => Passive(v) && v.Is("passive_nffe_us_owners", "listed");

    public const int MaxOwners = 4;

    private static IEnumerable<FormField> Owners() => Enumerable.Range(1, MaxOwners).SelectMany(i => new FormField[]
    {
        new($"us_owner_{i}_name", "Part XXIX", $"Substantial U.S. owner {i}: name", FieldKind.Text, "Part XXIX", When: OwnersListed,
            RequiredWhen: v => OwnersListed(v) && (i == 1 || v.Has($"us_owner_{i}_address") || v.Has($"us_owner_{i}_tin"))),
        new($"us_owner_{i}_address", "Part XXIX", $"Substantial U.S. owner {i}: address", FieldKind.Text, "Part XXIX", When: OwnersListed,
            RequiredWhen: v => OwnersListed(v) && v.Has($"us_owner_{i}_name")),
        new($"us_owner_{i}_tin", "Part XXIX", $"Substantial U.S. owner {i}: TIN", FieldKind.Tin, "Part XXIX", Secret: true, When: OwnersListed,
            Options: [new(Tin.Ssn, "SSN"), new(Tin.Itin, "ITIN"), new(Tin.Ein, "EIN")], RequiredWhen: v => OwnersListed(v) && v.Has($"us_owner_{i}_name")),
    });

    public static IReadOnlyList<string> StatusCertifications(FieldValues v) => v["chapter4_status"] switch
    {
        "active_nffe" =>
        [
            "Part XXV Active NFFE. 39 I certify that: • The entity identified in Part I is a foreign entity that is not a financial institution; • Less than 50% of such entity's gross income for the preceding calendar year is passive income; and • Less than 50% of the assets held by such entity are assets that produce or are held for the production of passive income (calculated as a weighted average of the percentage of passive assets measured quarterly) (see instructions for the definition of passive income).",
        ],
        "passive_nffe" =>
        [
            "Part XXVI Passive NFFE. 40a I certify that the entity identified in Part I is a foreign entity that is not a financial institution (other than an investment entity organized in a possession of the United States) and is not certifying its status as a publicly traded NFFE (or affiliate), excepted territory NFFE, active NFFE, direct reporting NFFE, or sponsored direct reporting NFFE.",
            v.Is("passive_nffe_us_owners", "listed")
                ? "40c I further certify that the entity identified in Part I has provided the name, address, and TIN of each substantial U.S. owner (or, if applicable, controlling U.S. person) of the NFFE in Part XXIX."
                : "40b I further certify that the entity identified in Part I has no substantial U.S. owners (or, if applicable, no controlling U.S. persons).",
        ],
        "publicly_traded_nffe" =>
        [
            $"Part XXIII Publicly Traded NFFE. 37a I certify that: • The entity identified in Part I is a foreign corporation that is not a financial institution; and • The stock of such corporation is regularly traded on one or more established securities markets, including {v["securities_market"]} (name one securities exchange upon which the stock is regularly traded).",
        ],
        _ => [],
    };

    public static readonly TaxFormDefinition Form = new(
        TaxFormKinds.W8BenE, "Form W-8BEN-E", "Certificate of Status of Beneficial Owner for United States Tax Withholding and Reporting (Entities)", "Rev. October 2021",
        [
            new("name", "1", "Name of organization that is the beneficial owner", FieldKind.Text, I, Required: true),
            new("country_of_incorporation", "2", "Country of incorporation or organization", FieldKind.Country, I, Required: true),
            new("disregarded_entity_name", "3", "Name of disregarded entity receiving the payment (if applicable)", FieldKind.Text, I),
            new("chapter3_status", "4", "Chapter 3 Status (entity type)", FieldKind.Choice, I, Required: true, Options:
            [
                new("corporation", "Corporation"), new("disregarded_entity", "Disregarded entity"), new("partnership", "Partnership"),
                new("simple_trust", "Simple trust"), new("grantor_trust", "Grantor trust"), new("complex_trust", "Complex trust"),
                new("estate", "Estate"), new("tax_exempt_organization", "Tax-exempt organization"), new("private_foundation", "Private foundation"),
            ]),
            new("hybrid_treaty_claim", "4", "If you entered disregarded entity, partnership, simple trust, or grantor trust above, is the entity a hybrid making a treaty claim?",
                FieldKind.Choice, I, Options: [new("yes", "Yes"), new("no", "No")],
                When: v => v["chapter3_status"] is "disregarded_entity" or "partnership" or "simple_trust" or "grantor_trust",
                RequiredWhen: v => v["chapter3_status"] is "disregarded_entity" or "partnership" or "simple_trust" or "grantor_trust"),
            new("chapter4_status", "5", "Chapter 4 Status (FATCA status)", FieldKind.Choice, I, Required: true, Options:
            [
                new("active_nffe", "Active NFFE (Part XXV)"), new("passive_nffe", "Passive NFFE (Part XXVI)"),
                new("publicly_traded_nffe", "Publicly traded NFFE (Part XXIII)"),
            ], Hint: "An affiliate business that is not a bank, fund or other financial institution is an NFFE."),
            new("securities_market", "37a", "Name of one securities exchange upon which the stock is regularly traded", FieldKind.Text, "Part XXIII",
                When: v => v.Is("chapter4_status", "publicly_traded_nffe"), RequiredWhen: v => v.Is("chapter4_status", "publicly_traded_nffe")),
            new("passive_nffe_us_owners", "40b/40c", "Substantial U.S. owners", FieldKind.Choice, "Part XXVI", Options:
            [
                new("none", "40b The entity has no substantial U.S. owners (or controlling U.S. persons)"),
                new("listed", "40c The entity lists each substantial U.S. owner (or controlling U.S. person) in Part XXIX"),
            ], When: Passive, RequiredWhen: Passive),
            .. Owners(),
            new("permanent_address.line1", "6", "Permanent residence address (street, apt. or suite no., or rural route). Do not use a P.O. box or in-care-of address (other than a registered address).", FieldKind.Text, I, Required: true),
            new("permanent_address.city", "6", "City or town, state or province. Include postal code where appropriate.", FieldKind.Text, I, Required: true),
            new("permanent_address.country", "6", "Country", FieldKind.Country, I, Required: true),
            new("mailing_address.line1", "7", "Mailing address (if different from above)", FieldKind.Text, I),
            new("mailing_address.city", "7", "City or town, state or province. Include postal code where appropriate.", FieldKind.Text, I,
                RequiredWhen: v => v.Has("mailing_address.line1")),
            new("mailing_address.country", "7", "Country", FieldKind.Country, I, RequiredWhen: v => v.Has("mailing_address.line1")),
            new("us_tin", "8", "U.S. taxpayer identification number (TIN), if required", FieldKind.Tin, I, Secret: true, Options: [new(Tin.Ein, "EIN")]),
            new("giin", "9a", "GIIN", FieldKind.Giin, I, Max: 19),
            new("foreign_tin", "9b", "Foreign TIN", FieldKind.ForeignTin, I, Secret: true,
                When: v => !v.Checked("ftin_not_required"), RequiredWhen: v => !v.Checked("ftin_not_required")),
            new("ftin_not_required", "9c", "Check if FTIN not legally required", FieldKind.Check, I),
            new("reference_numbers", "10", "Reference number(s)", FieldKind.Text, I),
            new("treaty_country", "14a", "I certify that the beneficial owner is a resident of this country within the meaning of the income tax treaty between the United States and that country", FieldKind.Country, III),
            new("treaty_lob", "14b", "The beneficial owner derives the item (or items) of income for which the treaty benefits are claimed, and, if applicable, meets the requirements of the treaty provision dealing with limitation on benefits. Type of limitation on benefits provision:",
                FieldKind.Choice, III, Options:
                [
                    new("government", "Government"), new("tax_exempt_pension_trust", "Tax-exempt pension trust or pension fund"),
                    new("other_tax_exempt_organization", "Other tax-exempt organization"), new("publicly_traded_corporation", "Publicly traded corporation"),
                    new("subsidiary_of_publicly_traded_corporation", "Subsidiary of a publicly traded corporation"),
                    new("ownership_and_base_erosion", "Company that meets the ownership and base erosion test"),
                    new("derivative_benefits", "Company that meets the derivative benefits test"),
                    new("active_trade_or_business", "Company with an item of income that meets active trade or business test"),
                    new("favorable_discretionary_determination", "Favorable discretionary determination by the U.S. competent authority received"),
                    new("no_lob_article", "No LOB article in treaty"), new("other", "Other (specify Article and paragraph)"),
                ], When: Treaty, RequiredWhen: Treaty),
            new("treaty_lob_other", "14b", "Other: Article and paragraph", FieldKind.Text, III, Max: 50,
                When: v => Treaty(v) && v.Is("treaty_lob", "other"), RequiredWhen: v => Treaty(v) && v.Is("treaty_lob", "other")),
            new("treaty_dividends", "14c", "The beneficial owner is claiming treaty benefits for U.S. source dividends received from a foreign corporation or interest from a U.S. trade or business of a foreign corporation and meets qualified resident status (see instructions).",
                FieldKind.Check, III, When: Treaty),
            new("treaty_article", "15", "Special rates and conditions: the beneficial owner is claiming the provisions of Article and paragraph", FieldKind.Text, III, Max: 50, When: Treaty),
            new("treaty_rate", "15", "of the treaty identified on line 14a above to claim a rate of withholding (%)", FieldKind.Rate, III, When: Treaty, RequiredWhen: v => v.Has("treaty_article")),
            new("treaty_income_type", "15", "on (specify type of income)", FieldKind.Text, III, Max: 100, When: Treaty, RequiredWhen: v => v.Has("treaty_article")),
            new("treaty_conditions", "15", "Explain the additional conditions in the Article the beneficial owner meets to be eligible for the rate of withholding", FieldKind.Text, III, Max: 500, When: Treaty),
            new("capacity", "Part XXX", "Capacity in which the signer acts for the entity (e.g. director, officer)", FieldKind.Text, "Part XXX", Required: true, Max: 100),
        ],
        "Part XXX Certification",
        [
            "Under penalties of perjury, I declare that I have examined the information on this form and to the best of my knowledge and belief it is true, correct, and complete. I further certify under penalties of perjury that:",
            "• The entity identified on line 1 of this form is the beneficial owner of all the income or proceeds to which this form relates, is using this form to certify its status for chapter 4 purposes, or is submitting this form for purposes of section 6050W or 6050Y;",
            "• The entity identified on line 1 of this form is not a U.S. person;",
            "• This form relates to: (a) income not effectively connected with the conduct of a trade or business in the United States, (b) income effectively connected with the conduct of a trade or business in the United States but is not subject to tax under an income tax treaty, (c) the partner's share of a partnership's effectively connected taxable income, or (d) the partner's amount realized from the transfer of a partnership interest subject to withholding under section 1446(f); and",
            "• For broker transactions or barter exchanges, the beneficial owner is an exempt foreign person as defined in the instructions.",
            "Furthermore, I authorize this form to be provided to any withholding agent that has control, receipt, or custody of the income of which the entity on line 1 is the beneficial owner or any withholding agent that can disburse or make payments of the income of which the entity on line 1 is the beneficial owner.",
            "I agree that I will submit a new form within 30 days if any certification on this form becomes incorrect.",
            "The Internal Revenue Service does not require your consent to any provisions of this document other than the certifications required to establish your status as a non-U.S. person and, if applicable, obtain a reduced rate of withholding.",
        ],
        "I certify that I have the capacity to sign for the entity identified on line 1 of this form.",
        Rules: (v, add) =>
        {
            if (v.Is("permanent_address.country", "US"))
                add("permanent_address.country", "A W-8BEN-E is for an entity outside the United States; a U.S. entity gives a W-9.");
            if (v.Is("country_of_incorporation", "US"))
                add("country_of_incorporation", "An entity organized in the United States gives a W-9, not a W-8BEN-E.");
            if (v["permanent_address.line1"] is { } street && W8BenDefinition.IsPoBox(street))
                add("permanent_address.line1", "The permanent residence address cannot be a P.O. box or in-care-of address.");
        });
}
