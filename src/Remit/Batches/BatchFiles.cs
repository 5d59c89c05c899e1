using System.Text;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Data;
using Remit.Payments;
using Remit.Payouts;
using Remit.Programs;
using Remit.Security;

namespace Remit.Batches;

public sealed record BatchFile(byte[] Content, string ContentType, string FileName);

/// <summary>
/// The file that pays a batch: NACHA for bank, PayPal's upload CSV for paypal, a USDC transfer list for crypto. The
/// writers are pure (Payments/); this gathers their inputs. The file has the batch's payouts that are not failed (a
/// failed payout's commissions are already owed again, so paying it from an old file would pay twice), and its dates
/// come from the batch, so downloading it again gives the same bytes.
/// </summary>
public static class BatchFiles
{
    private const string FileIdModifiers = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static async Task<Outcome<BatchFile>> BuildAsync(RemitDb db, SecretBox secrets, PayoutBatch batch, CancellationToken ct)
    {
        // The file is what pays: a batch waiting for its second person has none yet.
        if (BatchActions.ApprovalProblem(batch, "downloaded") is { } unapproved) return unapproved;
        var program = await db.CurrentProgramAsync(ct);
        var payouts = await db.Payouts.AsNoTracking().Where(p => p.BatchId == batch.Id && p.Status != PayoutStatus.Failed)
            .OrderBy(p => p.Id).ToListAsync(ct);
        if (payouts.Count == 0) return Problem.InvalidStatus($"Every payout of batch {batch.Id} failed; there is nothing to pay.");
        // Batches made before creation checked destinations may hold one the file cannot carry: say which, never a 500.
        var unpayable = payouts.Where(p => DestinationProblem(batch.Method, p.Account, p.Destination, p.AmountMinor, secrets) is not null).Select(p => p.Id).ToList();
        if (unpayable.Count > 0)
            return Problem.InvalidStatus($"Payouts {BatchActions.Ids(unpayable)} of batch {batch.Id} cannot be paid by {batch.Method}; fail them, and the file is made of the rest.");
        return batch.Method switch
        {
            PayoutMethods.Bank => Nacha(program, batch, payouts, secrets),
            PayoutMethods.PayPal => Outcome<BatchFile>.Ok(PayPal(program, batch, payouts)),
            _ => Outcome<BatchFile>.Ok(new BatchFile(UsdcTransferCsv.Write(payouts.Select(p =>
                new UsdcTransfer(p.Account.Network!, secrets.Decrypt(p.Account.Secret!), p.AmountMinor, Id(p))).ToList()),
                "text/csv", $"remit-{batch.Id}-usdc.csv")),
        };
    }

    /// <summary>
    /// Why this payout cannot go into a file of <paramref name="method"/>, or null. Checked when a batch is made, so a
    /// batch whose file cannot be written is refused then (422) and never fails later: the account must be of the
    /// method (an affiliate who changed method before the fix kept the old method's details), fit the file's fields,
    /// and a bank credit must fit NACHA's ten-digit amount field.
    /// </summary>
    public static string? DestinationProblem(string method, PayoutAccount account, string? destination, long amountMinor, SecretBox secrets)
    {
        switch (method)
        {
            case PayoutMethods.PayPal:
                return destination is { Length: > 0 and <= PayPalUploadCsv.MaxRecipientLength } && AffiliateActions.IsEmail(destination)
                    ? null : "its destination is not a PayPal email address";
            case PayoutMethods.Bank:
                if (amountMinor > Payments.Nacha.MaxAmountCents)
                    return $"its amount is over NACHA's limit of {Money.Format(Payments.Nacha.MaxAmountCents, "USD")} USD for one entry";
                var number = account.Secret is null || account.Network is not null ? null : secrets.Decrypt(account.Secret);
                return number is { Length: >= 4 and <= Payments.Nacha.AccountNumberLength } && number.All(char.IsAsciiDigit)
                    && AbaRouting.IsValid(account.RoutingNumber) && Payments.Nacha.ToAchText(account.HolderName, Payments.Nacha.HolderNameLength).Length > 0
                    && account.HolderType is HolderTypes.Individual or HolderTypes.Business && account.AccountType is AccountTypes.Checking or AccountTypes.Savings
                    ? null : "its destination is not a bank account";
            case PayoutMethods.Crypto:
                return account.Secret is not null && account.RoutingNumber is null && CryptoAddress.IsValidAddress(account.Network, secrets.Decrypt(account.Secret))
                    ? null : "its destination is not a wallet address of a supported network";
            default:
                return $"{method} is not a payout method";
        }
    }

    private static Outcome<BatchFile> Nacha(AffiliateProgram program, PayoutBatch batch, List<Payout> payouts, SecretBox secrets)
    {
        var ach = program.Ach;
        var missing = ach.Missing().ToList();
        if (missing.Count > 0)
            return Problem.Invalid($"The ACH settings are incomplete: set {string.Join(", ", missing)} with PUT /v1/settings/ach.",
                missing.Select(f => new ErrorDetail(f, $"{f} is required for a NACHA file.")).ToList());
        var created = TimeZoneInfo.ConvertTimeFromUtc(batch.CreatedAt, program.TimeZoneInfo);
        var createdDay = DateOnly.FromDateTime(created);
        var header = new NachaFileHeader
        {
            ImmediateDestination = ach.ImmediateDestination!, ImmediateDestinationName = ach.ImmediateDestinationName ?? "",
            ImmediateOrigin = ach.ImmediateOrigin!, ImmediateOriginName = ach.ImmediateOriginName ?? "",
            CreationDate = createdDay, CreationTime = TimeOnly.FromDateTime(created),
            // Banks tell apart files sent the same day by this letter; taking it from the batch id keeps it stable per batch.
            FileIdModifier = FileIdModifiers[(int)((batch.Id - 1) % FileIdModifiers.Length)],
            ReferenceCode = batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) is { Length: <= 8 } r ? r : "",
        };
        var originator = new NachaOriginator
        {
            OdfiRouting = ach.OdfiRouting!, CompanyName = ach.CompanyName!, CompanyId = ach.CompanyId!,
            EntryDescription = ach.EntryDescription ?? Settings.AchSettings.DefaultEntryDescription,
            EffectiveEntryDate = NextWeekday(createdDay),
        };
        var credits = payouts.Select(p => new NachaCredit
        {
            PayoutId = Id(p), HolderName = p.Account.HolderName!, RoutingNumber = p.Account.RoutingNumber!,
            HolderType = p.Account.HolderType == HolderTypes.Business ? NachaHolderType.Business : NachaHolderType.Individual,
            AccountType = p.Account.AccountType == AccountTypes.Savings ? NachaAccountType.Savings : NachaAccountType.Checking,
            AccountNumber = secrets.Decrypt(p.Account.Secret!), AmountCents = p.AmountMinor,
        }).ToList();
        return Outcome<BatchFile>.Ok(new BatchFile(Payments.Nacha.WriteBytes(header, originator, credits), "text/plain", $"remit-{batch.Id}.ach"));
    }

    private static BatchFile PayPal(AffiliateProgram program, PayoutBatch batch, List<Payout> payouts)
    {
        var text = new StringWriter { NewLine = "\r\n" };
        PayPalUploadCsv.Write(text, program.Currency, Money.Exponent(program.Currency),
            payouts.Select(p => new PayPalUploadItem(p.Destination!, p.AmountMinor, Id(p), $"{program.Name}: payout {p.Id}")).ToList());
        return new BatchFile(new UTF8Encoding(false).GetBytes(text.ToString()), "text/csv", $"remit-{batch.Id}-paypal.csv");
    }

    // ACH credits settle on a banking day; the next weekday is the earliest a file made today can ask for.
    private static DateOnly NextWeekday(DateOnly day)
    {
        var next = day.AddDays(1);
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) next = next.AddDays(1);
        return next;
    }

    private static string Id(Payout p) => p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
