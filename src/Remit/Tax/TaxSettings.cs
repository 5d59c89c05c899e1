using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Programs;

namespace Remit.Tax;

/// <summary>
/// The payer (the merchant) as its 1099s and the TIN-matching file name it, and the program's tax switches. The
/// payer's EIN is a SecretBox ciphertext with its last four beside it.
/// </summary>
public sealed record TaxSettings
{
    public string? PayerName { get; init; }
    public string? PayerTinSecret { get; init; }
    public string? PayerTinLast4 { get; init; }
    public string? PayerAddressLine1 { get; init; }
    public string? PayerAddressLine2 { get; init; }
    public string? PayerCity { get; init; }
    public string? PayerState { get; init; }
    public string? PayerZip { get; init; }
    public string? PayerPhone { get; init; }
    public string? ContactEmail { get; init; }
    /// <summary>The IRIS Transmitter Control Code (5 characters) the IRS gave the payer for e-filing.</summary>
    public string? IrisTcc { get; init; }
    /// <summary>Hold payouts of affiliates without a valid form; on by default, and only meaningful on plans with forms.</summary>
    public bool RequireTaxForm { get; init; } = true;
    /// <summary>Count PayPal payouts in 1099-NEC totals (off: PayPal reports them on 1099-K).</summary>
    public bool IncludePayPalIn1099 { get; init; }

    /// <summary>The payer fields a 1099 file cannot be written without, as the API names them.</summary>
    public IEnumerable<string> MissingForFiling()
    {
        if (PayerName is null) yield return "payer_name";
        if (PayerTinSecret is null) yield return "payer_tin";
        if (PayerAddressLine1 is null) yield return "payer_address.line1";
        if (PayerCity is null) yield return "payer_address.city";
        if (PayerState is null) yield return "payer_address.state";
        if (PayerZip is null) yield return "payer_address.zip";
        if (PayerPhone is null) yield return "payer_phone";
    }

    public static void Map(ComplexPropertyBuilder<TaxSettings> b)
    {
        b.Property(t => t.PayerName).HasColumnName("tax_payer_name").HasMaxLength(200);
        b.Property(t => t.PayerTinSecret).HasColumnName("tax_payer_tin_secret").HasMaxLength(400);
        b.Property(t => t.PayerTinLast4).HasColumnName("tax_payer_tin_last4").HasMaxLength(4);
        b.Property(t => t.PayerAddressLine1).HasColumnName("tax_payer_address_line1").HasMaxLength(200);
        b.Property(t => t.PayerAddressLine2).HasColumnName("tax_payer_address_line2").HasMaxLength(200);
        b.Property(t => t.PayerCity).HasColumnName("tax_payer_city").HasMaxLength(100);
        b.Property(t => t.PayerState).HasColumnName("tax_payer_state").HasMaxLength(2);
        b.Property(t => t.PayerZip).HasColumnName("tax_payer_zip").HasMaxLength(10);
        b.Property(t => t.PayerPhone).HasColumnName("tax_payer_phone").HasMaxLength(30);
        b.Property(t => t.ContactEmail).HasColumnName("tax_contact_email").HasMaxLength(320);
        b.Property(t => t.IrisTcc).HasColumnName("tax_iris_tcc").HasMaxLength(5);
        b.Property(t => t.RequireTaxForm).HasColumnName("tax_require_form");
        b.Property(t => t.IncludePayPalIn1099).HasColumnName("tax_include_paypal_in_1099");
    }
}

/// <summary>Which plans have which tax features (product.md's plan table): the one place that says so.</summary>
public static class TaxPlans
{
    public static bool HasForms(string plan) => plan is Plans.Standard or Plans.Custom;
    public static bool Has1099(string plan) => plan is Plans.Custom;

    /// <summary>The refusal of a tax endpoint on a plan without forms (422 naming the plan), or null.</summary>
    public static Problem? FormsRefusal(string plan) => HasForms(plan)
        ? null
        : Problem.Invalid("plan", $"The {plan} plan does not include W-9/W-8 tax form collection (standard and custom do).");

    public static Problem? Filing1099Refusal(string plan) => Has1099(plan)
        ? null
        : Problem.Invalid("plan", $"The {plan} plan does not include 1099-NEC generation (custom does).");

    /// <summary>Whether payouts of this program wait for a valid form: the plan has forms and the setting is on.</summary>
    public static bool Gates(AffiliateProgram program) => HasForms(program.Plan) && program.Tax.RequireTaxForm;
}
