using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Remit.Affiliates;
using Remit.Commissions;
using Remit.Payouts;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// GET /v1/payout-batches/{id}/file: NACHA, PayPal upload CSV and USDC transfer list, from a real batch. One host for
/// the class, a program per test.
/// </summary>
public sealed class BatchFileTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task A_250_payout_bank_batch_gives_a_nacha_file_that_obeys_every_control_total_and_reads_back()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        await t.SetAchAsync();
        // 250 affiliates and payouts arranged in the database directly (the API path is covered by the other tests);
        // individuals and businesses, checking and savings, several banks, amounts up to a few thousand dollars.
        var routings = new[] { "021000021", "011000015", "121000248", "026009593", "231380104" };
        var expected = new Dictionary<long, (string Routing, string Account, long Cents, bool Business, bool Savings)>();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await using (var db = app.Db(t.ProgramId))
        {
            for (var i = 0; i < 250; i++)
            {
                var (routing, account, cents) = (routings[i % routings.Length], (10_000_000 + i * 7919).ToString(CultureInfo.InvariantCulture), 1_00L + i * 1_237L);
                var business = i % 3 == 0;
                var savings = i % 4 == 0;
                var affiliate = new Affiliate
                {
                    ProgramId = t.ProgramId, Name = $"Holder {i}", Email = $"h{i}@example.com", PayoutMethod = "bank", CreatedAt = now,
                    Account = PayoutAccount.Bank($"Holder {i}", business ? "business" : "individual", routing, savings ? "savings" : "checking",
                        app.Secrets.Encrypt(account), account[^4..]),
                };
                affiliate.RefreshSearchText();
                db.Affiliates.Add(affiliate);
                await db.SaveChangesAsync();
                db.Commissions.Add(new Commission { ProgramId = t.ProgramId, AffiliateId = affiliate.Id, AmountMinor = cents, Currency = "USD", EarnedAt = now.AddDays(-1), CreatedAt = now });
                await db.SaveChangesAsync();
                var (payout, _) = await PayoutActions.CreateAsync(db, (await db.CurrentProgramAsync(default)), affiliate, PayoutSource.Manual, null, Remit.Audit.Actor.System, now, default);
                expected[payout!.Id] = (routing, account, cents, business, savings);
            }
        }
        var batch = (await Api.ExpectAsync(await t.Http.PostAsJsonAsync("/v1/payout-batches", new { method = "bank", filter = new { } }), 201))["data"]!;
        Assert.Equal(250, batch["count"]!.GetValue<int>());

        var response = await t.Http.GetAsync($"/v1/payout-batches/{batch["id"]}/file");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"remit-{batch["id"]}.ach", response.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var text = Encoding.ASCII.GetString(await response.Content.ReadAsByteArrayAsync());
        var lines = text.Split('\n');

        Assert.All(lines, l => Assert.Equal(94, l.Length));
        Assert.Equal(0, lines.Length % 10);
        Assert.StartsWith("101 231380104 121042882", lines[0]);
        var batches = new List<(string Header, List<string> Entries, string Control)>();
        foreach (var line in lines.Skip(1))
        {
            switch (line[0])
            {
                case '5': batches.Add((line, [], "")); break;
                case '6': batches[^1].Entries.Add(line); break;
                case '8': batches[^1] = batches[^1] with { Control = line }; break;
            }
        }
        Assert.Equal(["PPD", "CCD"], batches.Select(b => b.Header[50..53]));
        var seen = new Dictionary<long, string>();
        var trace = 0;
        foreach (var (header, entries, control) in batches)
        {
            Assert.Equal("220", header[1..4]);
            Assert.Equal("Acme Affiliates ", header[4..20]);
            Assert.Equal("PAYOUT    ", header[53..63]);
            long hash = 0, total = 0;
            foreach (var e in entries)
            {
                var id = long.Parse(e[39..54].Trim(), CultureInfo.InvariantCulture);
                var want = expected[id];
                Assert.Equal(want.Savings ? "32" : "22", e[1..3]);
                Assert.Equal(want.Routing, e[3..12]);
                Assert.Equal(want.Account, e[12..29].TrimEnd());
                Assert.Equal(want.Cents, long.Parse(e[29..39], CultureInfo.InvariantCulture));
                Assert.Equal(want.Business ? "CCD" : "PPD", header[50..53]);
                // Trace numbers: the ODFI's 8 digits and a sequence that rises through the file.
                Assert.Equal("12104288", e[79..87]);
                Assert.Equal(++trace, int.Parse(e[87..94], CultureInfo.InvariantCulture));
                seen[id] = e;
                hash += long.Parse(e[3..11], CultureInfo.InvariantCulture);
                total += want.Cents;
            }
            Assert.Equal(entries.Count, int.Parse(control[4..10], CultureInfo.InvariantCulture));
            Assert.Equal(hash % 10_000_000_000, long.Parse(control[10..20], CultureInfo.InvariantCulture));
            Assert.Equal(0, long.Parse(control[20..32], CultureInfo.InvariantCulture));
            Assert.Equal(total, long.Parse(control[32..44], CultureInfo.InvariantCulture));
            Assert.Equal(header[87..94], control[87..94]);
        }
        Assert.Equal(expected.Keys.Order(), seen.Keys.Order());

        var fileControl = lines.Single(l => l[0] == '9' && !l.All(c => c == '9'));
        Assert.Equal(2, int.Parse(fileControl[1..7], CultureInfo.InvariantCulture));
        Assert.Equal(lines.Length / 10, int.Parse(fileControl[7..13], CultureInfo.InvariantCulture));
        Assert.Equal(250, int.Parse(fileControl[13..21], CultureInfo.InvariantCulture));
        Assert.Equal(expected.Values.Sum(v => long.Parse(v.Routing[..8], CultureInfo.InvariantCulture)) % 10_000_000_000, long.Parse(fileControl[21..31], CultureInfo.InvariantCulture));
        Assert.Equal(expected.Values.Sum(v => v.Cents), long.Parse(fileControl[43..55], CultureInfo.InvariantCulture));
        Assert.Equal(batch["total"]!.GetValue<decimal>() * 100, expected.Values.Sum(v => v.Cents));
        // Downloading again gives the same bytes: the file's dates come from the batch, not the clock.
        app.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(text, await t.Http.GetStringAsync($"/v1/payout-batches/{batch["id"]}/file"));
    }

    [Fact]
    public async Task A_bank_batch_file_needs_the_ach_settings()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var batch = (await t.BatchAsync("bank", [await t.MethodPayoutAsync(PaymentsSetup.Bank())])).Id();
        var error = await Api.ErrorAsync(await t.Http.GetAsync($"/v1/payout-batches/{batch}/file"), 422, "VALIDATION_ERROR");
        Assert.Contains("odfi_routing", error["message"]!.GetValue<string>());
        await t.SetAchAsync();
        Assert.Equal(200, (int)(await t.Http.GetAsync($"/v1/payout-batches/{batch}/file")).StatusCode);
    }

    [Fact]
    public async Task A_paypal_batch_file_is_the_paypal_upload_csv()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("nano");
        var affiliate = await t.AffiliateAsync("Ada", "ada@example.com");
        await t.CommissionAsync(affiliate, 1250m);
        var a = await t.PayoutAsync(affiliate);
        var b = await t.MethodPayoutAsync(null, 7.5m);
        var batch = (await t.BatchAsync("paypal", [a, b])).Id();
        var response = await t.Http.GetAsync($"/v1/payout-batches/{batch}/file");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var rows = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        // PayPal's columns: recipient, amount, currency, customer id, note, recipient wallet; no header row.
        var first = rows[0].Split(',');
        Assert.Equal(["ada@example.com", "1250.00", "USD", a.ToString(CultureInfo.InvariantCulture), $"Acme: payout {a}", "PAYPAL"], first);
        Assert.Equal("7.50", rows[1].Split(',')[1]);
    }

    /// <summary>The reported case: a PayPal email that is a formula reaches the upload file only as text.</summary>
    [Fact]
    public async Task A_paypal_upload_csv_never_carries_a_formula()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("nano", name: "@Acme");
        var affiliate = await t.AffiliateAsync("Eve", "=1+1@example.com");
        await t.CommissionAsync(affiliate, 10m);
        var payout = await t.PayoutAsync(affiliate);
        var batch = (await t.BatchAsync("paypal", [payout])).Id();

        var response = await t.Http.GetAsync($"/v1/payout-batches/{batch}/file");

        var row = Assert.Single(Rfc4180.Parse(await response.Content.ReadAsStringAsync()));
        Assert.Equal(["'=1+1@example.com", "10.00", "USD", payout.ToString(CultureInfo.InvariantCulture), $"'@Acme: payout {payout}", "PAYPAL"], row);
    }

    [Fact]
    public async Task A_crypto_batch_file_lists_usdc_transfers_with_six_decimals()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("custom");
        await t.WithoutTaxGateAsync();
        var evm = await t.MethodPayoutAsync(PaymentsSetup.Crypto("polygon"), 12.5m);
        var sol = await t.MethodPayoutAsync(PaymentsSetup.Crypto("solana", PaymentsSetup.SolanaAddress), 1000m);
        var batch = (await t.BatchAsync("crypto", [evm, sol])).Id();
        var response = await t.Http.GetAsync($"/v1/payout-batches/{batch}/file");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            "network,address,amount,payout_id\r\n" +
            $"polygon,{PaymentsSetup.EvmAddress},12.500000,{evm}\r\n" +
            $"solana,{PaymentsSetup.SolanaAddress},1000.000000,{sol}\r\n",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(3, Rfc4180.Parse(await response.Content.ReadAsStringAsync()).Count);
    }

    [Fact]
    public async Task Downloading_a_file_is_in_the_audit_trail()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        var batch = (await t.BatchAsync("paypal", [await t.MethodPayoutAsync(null)])).Id();
        await t.Http.GetAsync($"/v1/payout-batches/{batch}/file");
        await using var db = app.Db(t.ProgramId);
        var e = Assert.Single(db.AuditEvents.Where(x => x.Action == "batch.file_downloaded"));
        Assert.Equal("token", e.ActorType);
        Assert.Equal(batch, e.EntityId);
    }
}
