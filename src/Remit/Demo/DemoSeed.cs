using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Audit;
using Remit.Commissions;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;
using Remit.Requests;

namespace Remit.Demo;

public sealed record DemoLogin(long ProgramId, string Email, string Password, string Token);

/// <summary>
/// The demo program made on an empty database. Its numbers are chosen so the seed document's examples answer as
/// written: stats show 1250.00 pending over 5 affiliates, 3400.00 completed this month, 1 failed and 2 pending
/// requests; payout 42 and request 10 exist and are pending.
/// </summary>
public static class DemoSeed
{
    private static readonly (string Name, string Email, string Country)[] People =
    [
        ("Maria Garcia", "maria@example.com", "ES"), ("James Smith", "james@example.com", "US"),
        ("Αλέξανδρος Παπαδόπουλος", "alex@example.gr", "GR"), ("Дмитрий Иванов", "dmitry@example.ru", "RU"),
        ("山田太郎", "taro@example.jp", "JP"), ("محمد الأحمد", "mohammed@example.ae", "AE"),
        ("Chloé Dubois", "chloe@example.fr", "FR"), ("Liam O'Brien", "liam@example.ie", "IE"),
        ("Priya Sharma", "priya@example.in", "IN"), ("Lukas Müller", "lukas@example.de", "DE"),
        ("김민준", "minjun@example.kr", "KR"), ("Olivia Brown", "olivia@example.com", "US"),
    ];

    public static async Task<DemoLogin?> SeedIfEmptyAsync(RemitDb db, Security.SecretBox secrets, DateTime now, CancellationToken ct = default)
    {
        if (await db.Programs.AnyAsync(ct)) return null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var program = await ProgramAdmin.CreateProgramAsync(db, "Demo Merchant", Plans.Basic, "USD", "UTC", now, ct);
        db.ProgramId = program.Id;
        // Sample originator details (the ODFI and destination are the routing numbers of moov-io/ach's examples).
        var tracked = await db.Programs.SingleAsync(p => p.Id == program.Id, ct);
        tracked.Ach = new Settings.AchSettings
        {
            OdfiRouting = "121042882", CompanyName = "Demo Merchant", CompanyId = "1234567890", ImmediateDestination = "231380104",
            ImmediateDestinationName = "Federal Reserve Bank", ImmediateOrigin = "121042882", ImmediateOriginName = "Demo Merchant Bank",
        };
        await db.SaveChangesAsync(ct);
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        var user = await ProgramAdmin.CreateUserAsync(db, program.Id, "admin@demo.remit.test", password, UserRoles.Admin, now, ct);
        var (_, token) = await ProgramAdmin.CreateTokenAsync(db, program.Id, "Demo token", Scopes.All, null, now, ct);

        var affiliates = new List<Affiliate>();
        foreach (var (name, email, country) in People)
        {
            var a = new Affiliate
            {
                ProgramId = program.Id, Name = name, Email = email, Country = country, PayoutMethod = PayoutMethods.PayPal,
                PayPalEmail = email, CreatedAt = now.AddMonths(-14),
            };
            a.RefreshSearchText();
            affiliates.Add(a);
        }
        // One affiliate is paid by ACH, so a bank batch and its NACHA file can be tried on the demo (a test account).
        affiliates[1].PayoutMethod = PayoutMethods.Bank;
        affiliates[1].PayPalEmail = null;
        affiliates[1].Account = PayoutAccount.Bank(affiliates[1].Name, HolderTypes.Individual, "021000021", AccountTypes.Checking,
            secrets.Encrypt("000123456789"), "6789");
        // ...and one with a pending payout (43), so a bank batch and its NACHA file work out of the box.
        affiliates[7].PayoutMethod = PayoutMethods.Bank;
        affiliates[7].PayPalEmail = null;
        affiliates[7].Account = PayoutAccount.Bank(affiliates[7].Name, HolderTypes.Individual, "011000015", AccountTypes.Savings,
            secrets.Encrypt("4455667788"), "7788");
        db.Affiliates.AddRange(affiliates);
        await db.SaveChangesAsync(ct);

        var monthStart = ZoneCalendar.StartOfDayUtc(ZoneCalendar.MonthOf(now, ZoneCalendar.Zone(program)), ZoneCalendar.Zone(program));
        var sinceMonthStart = now - monthStart;
        var seq = 0;

        // Payouts 1–36: completed in earlier months (the chart's history); 37 failed; 38–41 completed this month
        // (3400.00 in all); 42–46 pending for five affiliates (1250.00 in all); 47–48 processing.
        for (var i = 1; i <= 48; i++)
        {
            var affiliate = affiliates[(i - 1) % affiliates.Count];
            var (status, amount, created) = i switch
            {
                <= 36 => (PayoutStatus.Completed, 4000L + 1375 * (i % 9) + 250 * (i % 4), now.AddMonths(-(12 - (i - 1) / 3)).AddDays(-3)),
                37 => (PayoutStatus.Failed, 8250L, now.AddDays(-20)),
                <= 41 => (PayoutStatus.Completed, new[] { 120000L, 95000L, 80000L, 45000L }[i - 38], monthStart + sinceMonthStart * (0.1 * (i - 37)) - TimeSpan.FromDays(2)),
                <= 46 => (PayoutStatus.Pending, new[] { 40000L, 25000L, 30000L, 17500L, 12500L }[i - 42], now.AddDays(-(47 - i))),
                _ => (PayoutStatus.Processing, 15000L + 5000 * (i - 47), now.AddDays(-2)),
            };
            if (i is >= 42 and <= 46) affiliate = affiliates[i - 42 + 6];
            var completedAt = i is >= 38 and <= 41 ? monthStart + sinceMonthStart * (0.1 * (i - 37) + 0.5) : created.AddDays(2);
            var payout = new Payout
            {
                ProgramId = program.Id, AffiliateId = affiliate.Id, AmountMinor = amount, Currency = program.Currency,
                Method = affiliate.PayoutMethod, Destination = affiliate.Destination, Account = affiliate.Account, Status = status,
                Source = i % 5 == 0 ? PayoutSource.Request : PayoutSource.Schedule, CreatedAt = created,
                ProcessingAt = status is PayoutStatus.Processing or PayoutStatus.Completed ? created.AddDays(1) : null,
                CompletedAt = status == PayoutStatus.Completed ? completedAt : null,
                FailedAt = status == PayoutStatus.Failed ? created.AddDays(1) : null,
                FailureReason = status == PayoutStatus.Failed ? "PayPal account restricted" : null,
                Reference = status == PayoutStatus.Completed ? $"TXN-{10000 + i}" : null,
            };
            db.Payouts.Add(payout);
            await db.SaveChangesAsync(ct);

            // Two or three commissions that add up to the payout, earned in the weeks before it.
            var parts = i % 2 == 0 ? new[] { amount / 2, amount - amount / 2 } : [amount / 4, amount / 4, amount - 2 * (amount / 4)];
            var commissions = parts.Select((part, k) => new Commission
            {
                ProgramId = program.Id, AffiliateId = affiliate.Id, AmountMinor = part, Currency = program.Currency,
                Description = $"Order commission ({k + 1} of {parts.Length})", Reference = $"ORD-{1000 + ++seq}",
                EarnedAt = created.AddDays(-7 * (parts.Length - k)), CreatedAt = created.AddDays(-7 * (parts.Length - k)),
                PayoutId = status == PayoutStatus.Failed ? null : payout.Id,
            }).ToList();
            db.Commissions.AddRange(commissions);
            await db.SaveChangesAsync(ct);
            db.PayoutCommissions.AddRange(commissions.Select(c => new PayoutCommission { ProgramId = program.Id, PayoutId = payout.Id, CommissionId = c.Id }));
            payout.PeriodStart = commissions.Min(c => c.EarnedAt);
            payout.PeriodEnd = commissions.Max(c => c.EarnedAt);

            db.AuditEvents.Add(Actor.System.Record(program.Id, "payout.created", "payout", payout.Id, created, null, PayoutStatus.Pending));
            if (payout.ProcessingAt is { } p)
                db.AuditEvents.Add(Actor.System.Record(program.Id, "payout.processing", "payout", payout.Id, p, PayoutStatus.Pending, PayoutStatus.Processing));
            if (payout.CompletedAt is { } c)
                db.AuditEvents.Add(Actor.System.Record(program.Id, "payout.completed", "payout", payout.Id, c, PayoutStatus.Processing, PayoutStatus.Completed, $"reference: {payout.Reference}"));
            if (payout.FailedAt is { } f)
                db.AuditEvents.Add(Actor.System.Record(program.Id, "payout.failed", "payout", payout.Id, f, PayoutStatus.Pending, PayoutStatus.Failed, payout.FailureReason));
        }

        // Payable commissions not yet in any payout: what requests 10 and 11 ask for, and what approval pays.
        foreach (var (affiliate, amount) in new[] { (affiliates[0], 18500L), (affiliates[2], 9900L), (affiliates[3], 6400L), (affiliates[4], 2500L) })
            db.Commissions.Add(new Commission
            {
                ProgramId = program.Id, AffiliateId = affiliate.Id, AmountMinor = amount, Currency = program.Currency,
                Description = "Order commission", Reference = $"ORD-{1000 + ++seq}", EarnedAt = now.AddDays(-5), CreatedAt = now.AddDays(-5),
            });

        await db.SaveChangesAsync(ct);

        // Requests 1–9 were decided; 10 and 11 await the merchant, each for its affiliate's payable balance.
        for (var i = 1; i <= 11; i++)
        {
            var affiliate = i switch { 10 => affiliates[0], 11 => affiliates[2], _ => affiliates[(i + 4) % affiliates.Count] };
            var pending = i >= 10;
            var approved = !pending && i % 3 != 0;
            db.PayoutRequests.Add(new PayoutRequest
            {
                ProgramId = program.Id, AffiliateId = affiliate.Id, Currency = program.Currency,
                AmountMinor = pending
                    ? await db.Commissions.Where(c => c.AffiliateId == affiliate.Id).Where(CommissionStatus.IsPayable(now)).SumAsync(c => c.AmountMinor, ct)
                    : 6000 + 500 * i,
                Note = i == 10 ? "Could I get paid before the holidays?" : null,
                Status = pending ? RequestStatus.Pending : approved ? RequestStatus.Approved : RequestStatus.Rejected,
                RejectionReason = !pending && !approved ? "Below the agreed threshold at the time" : null,
                PayoutId = approved ? i * 3 : null,
                CreatedAt = now.AddDays(-(60 - i * 5)), DecidedAt = pending ? null : now.AddDays(-(59 - i * 5)),
                DecidedBy = pending ? null : user.Email,
            });
            await db.SaveChangesAsync(ct);
        }
        program = await db.Programs.SingleAsync(p => p.Id == program.Id, ct);
        program.AllowEarlyRequests = true;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new DemoLogin(program.Id, user.Email, password, token);
    }
}
