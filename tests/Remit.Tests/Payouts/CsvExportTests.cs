using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Remit.Tests.Payouts;

using Remit.Tests.Infrastructure;

/// <summary>
/// GET /v1/payouts/export. One host for the class, a program per test; the tests that check dates and times against
/// the clock's start keep a host of their own.
/// </summary>
public sealed class CsvExportTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string Url = "/v1/payouts/export";

    // The columns as product.md lists them, in its order.
    private static readonly string[] Columns =
    [
        "id", "affiliate_id", "affiliate_name", "affiliate_email", "amount", "currency", "method", "status", "reference",
        "notes", "failure_reason", "source", "created_at", "processing_at", "completed_at", "failed_at",
    ];

    private sealed record Export(HttpResponseMessage Response, string Text, string[] Header, List<string[]> Rows)
    {
        public string[] Row(long payoutId) => Rows.Single(r => r[0] == payoutId.ToString());
        public List<long> Ids => Rows.Select(r => long.Parse(r[0])).Order().ToList();
    }

    /// <summary>
    /// Downloads the export and reads it back with the tests' strict RFC 4180 reader: CsvHelper writes it, so it
    /// must not be the one to read it.
    /// </summary>
    private static async Task<Export> ExportAsync(Tenant t, string query = "")
    {
        var response = await t.Http.GetAsync(Url + query);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, $"Expected 200, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.False(bytes is [0xEF, 0xBB, 0xBF, ..], "The export starts with a byte order mark.");
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        var records = Rfc4180.Parse(text);
        Assert.All(records, r => Assert.Equal(Columns.Length, r.Length));
        return new Export(response, text, records[0], records.Skip(1).ToList());
    }

    private static string Cell(Export export, long payoutId, string column) => export.Row(payoutId)[Array.IndexOf(Columns, column)];

    [Fact]
    public async Task File_name_is_today_in_the_programs_time_zone()
    {
        await using var app = await TestApp.StartAsync();
        var auckland = await app.NewProgramAsync(timeZone: "Pacific/Auckland");
        var losAngeles = await app.NewProgramAsync(timeZone: "America/Los_Angeles", name: "LA");
        var utc = await app.NewProgramAsync(name: "UTC");

        // 2026-03-15T12:00Z is already 2026-03-16 01:00 in Auckland (UTC+13).
        Assert.Equal("payouts-2026-03-16.csv", await FileNameAsync(auckland));
        Assert.Equal("payouts-2026-03-15.csv", await FileNameAsync(utc));
        Assert.Equal("payouts-2026-03-15.csv", await FileNameAsync(losAngeles));

        // 2026-03-16T01:00Z is still 2026-03-15 18:00 in Los Angeles (UTC-7).
        app.Clock.Advance(TimeSpan.FromHours(13));
        Assert.Equal("payouts-2026-03-16.csv", await FileNameAsync(auckland));
        Assert.Equal("payouts-2026-03-16.csv", await FileNameAsync(utc));
        Assert.Equal("payouts-2026-03-15.csv", await FileNameAsync(losAngeles));
    }

    private static async Task<string> FileNameAsync(Tenant t)
    {
        var export = await ExportAsync(t);
        var content = export.Response.Content.Headers;
        Assert.Equal("text/csv", content.ContentType!.MediaType);
        Assert.Equal("attachment", content.ContentDisposition!.DispositionType);
        return content.ContentDisposition.FileName!.Trim('"');
    }

    [Fact]
    public async Task Header_and_rows_round_trip_through_an_independent_reader()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(timeZone: "Pacific/Auckland");
        var other = await app.NewProgramAsync(name: "Other");
        await other.PendingPayoutAsync(5m);

        var names = new Dictionary<string, string>
        {
            ["comma"] = "Smith, John \"JJ\" O'Neil",
            ["newline"] = "Line one\nLine two,\r\nand three",
            ["scripts"] = "Zoë Ådahl — 李小龍 · محمد · Ωμέγα 😀",
            ["equals"] = "=HYPERLINK(\"http://evil.example\",\"x\")",
            ["plus"] = "+1 555 0100",
            ["minus"] = "-2+3",
            ["at"] = "@SUM(A1:A9)",
            ["plain"] = "Plain Name",
        };
        var payouts = new Dictionary<string, long>();
        foreach (var (key, name) in names)
        {
            var affiliate = await t.AffiliateAsync(name, $"{key}@example.com");
            await t.CommissionAsync(affiliate, 60m);
            await t.CommissionAsync(affiliate, 40m);
            payouts[key] = await t.PayoutAsync(affiliate);
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        await t.PostAsync($"/v1/payouts/{payouts["comma"]}/processing", new { notes = "sent, \"batch\" 7" });
        await t.PostAsync($"/v1/payouts/{payouts["comma"]}/complete", new { reference = "=1+1", notes = "@ops" });
        await t.PostAsync($"/v1/payouts/{payouts["plus"]}/fail", new { reason = "-closed account" });
        await t.PostAsync($"/v1/payouts/{payouts["scripts"]}/processing");
        // A negative amount (only possible behind the API's back) is a number, not a formula: left as it is.
        await using (var db = app.Db(t.ProgramId))
            await db.Payouts.Where(p => p.Id == payouts["plain"]).ExecuteUpdateAsync(s => s.SetProperty(p => p.AmountMinor, -5000L));

        var export = await ExportAsync(t);

        Assert.Equal(Columns, export.Header);
        Assert.Equal(payouts.Values.Order(), export.Ids);
        Assert.StartsWith(string.Join(",", Columns) + "\r\n", export.Text);
        AssertCrlfRecords(export.Text, names.Count + 1);

        foreach (var (key, id) in payouts)
        {
            var api = (await t.GetAsync($"/v1/payouts/{id}"))["data"]!;
            var row = export.Row(id);
            var expectedName = key is "equals" or "plus" or "minus" or "at" ? "'" + names[key] : names[key];
            Assert.Equal(id.ToString(), row[0]);
            Assert.Equal(api["affiliate_id"]!.ToJsonString(), row[1]);
            Assert.Equal(expectedName, row[2]);
            Assert.Equal($"{key}@example.com", row[3]);
            Assert.Equal(key == "plain" ? "-50.00" : "100.00", row[4]);
            Assert.Equal("USD", row[5]);
            Assert.Equal("paypal", row[6]);
            Assert.Equal(api["status"]!.GetValue<string>(), row[7]);
            Assert.Equal("manual", row[11]);
            Assert.Equal(api["created_at"]!.GetValue<string>(), row[12]);
            Assert.Equal(api["processing_at"]?.GetValue<string>() ?? "", row[13]);
            Assert.Equal(api["completed_at"]?.GetValue<string>() ?? "", row[14]);
            Assert.Equal(api["failed_at"]?.GetValue<string>() ?? "", row[15]);
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row[12]);
        }
        Assert.Equal("completed", Cell(export, payouts["comma"], "status"));
        Assert.Equal("'=1+1", Cell(export, payouts["comma"], "reference"));
        Assert.Equal("'@ops", Cell(export, payouts["comma"], "notes"));
        Assert.Equal("", Cell(export, payouts["comma"], "failure_reason"));
        Assert.Equal("failed", Cell(export, payouts["plus"], "status"));
        Assert.Equal("'-closed account", Cell(export, payouts["plus"], "failure_reason"));
        Assert.Equal("", Cell(export, payouts["plus"], "reference"));
        Assert.Equal("processing", Cell(export, payouts["scripts"], "status"));
        Assert.Equal("pending", Cell(export, payouts["plain"], "status"));
        Assert.Equal("", Cell(export, payouts["plain"], "processing_at"));
        // The formula guard is a prefix, never a rewrite: the raw text still holds the original after the apostrophe.
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"", export.Text);
    }

    /// <summary>Outside quoted fields every line break is CRLF, and the file ends with one.</summary>
    private static void AssertCrlfRecords(string text, int expectedRecords)
    {
        var inQuotes = false;
        var records = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') inQuotes = !inQuotes;
            else if (!inQuotes && c == '\n')
            {
                Assert.True(i > 0 && text[i - 1] == '\r', $"Bare LF between records at {i}.");
                records++;
            }
            else if (!inQuotes && c == '\r')
                Assert.True(i + 1 < text.Length && text[i + 1] == '\n', $"Bare CR between records at {i}.");
        }
        Assert.False(inQuotes);
        Assert.EndsWith("\r\n", text);
        Assert.Equal(expectedRecords, records);
    }

    /// <summary>
    /// Far more rows than the writer's buffer holds: the export flushes as it goes (asynchronously — the test server,
    /// like Kestrel, refuses synchronous writes) and every row arrives whole, in order.
    /// </summary>
    [Fact]
    public async Task A_large_export_streams_every_row()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync("Bulk, \"Many\" Rows", "bulk@example.com");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var notes = "=" + new string('n', 300) + ",\r\n";
        await using (var db = app.Db(t.ProgramId))
        {
            db.Payouts.AddRange(Enumerable.Range(0, 3000).Select(i => new Remit.Payouts.Payout
            {
                ProgramId = t.ProgramId, AffiliateId = affiliate, AmountMinor = 100 + i, Currency = "USD", Method = "paypal",
                Source = "manual", Notes = notes, CreatedAt = now.AddSeconds(i),
            }));
            await db.SaveChangesAsync();
        }

        var export = await ExportAsync(t, "?sort=created_at");

        Assert.True(export.Text.Length > 1_000_000, $"only {export.Text.Length} characters");
        Assert.Equal(3000, export.Rows.Count);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => ((100 + i) / 100m).ToString("0.00")), export.Rows.Select(r => r[4]));
        Assert.All(export.Rows, r => Assert.Equal("'" + notes, r[9]));
    }

    [Fact]
    public async Task The_lists_filters_apply()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(plan: "basic");
        var other = await app.NewProgramAsync(name: "Other");
        await other.PendingPayoutAsync(5m);
        var smithAffiliate = await t.AffiliateAsync("Anna SMITH", "anna@example.com");
        await t.CommissionAsync(smithAffiliate, 10m);
        var smith = await t.PayoutAsync(smithAffiliate);
        var (zoeAffiliate, zoe) = await t.PendingPayoutAsync(20m);
        await Api.ExpectAsync(await t.Http.PatchAsJsonAsync($"/v1/affiliates/{zoeAffiliate}", new { name = "Zoë Blacksmith" }), 200);
        var bankAffiliate = await t.AffiliateAsync("Bank Person", "bank@example.com", method: "bank");
        await t.CommissionAsync(bankAffiliate, 30m);
        var bank = await t.PayoutAsync(bankAffiliate);
        await t.PostAsync($"/v1/payouts/{smith}/complete");
        await t.PostAsync($"/v1/payouts/{bank}/processing");
        await t.CommissionAsync(smithAffiliate, 5m);
        var smithSecond = await t.PayoutAsync(smithAffiliate);

        Assert.Equal([smith, zoe, bank, smithSecond], (await ExportAsync(t)).Ids);
        Assert.Equal([smith], (await ExportAsync(t, "?status=completed")).Ids);
        Assert.Equal([zoe, bank, smithSecond], (await ExportAsync(t, "?status=pending,processing")).Ids);
        Assert.Equal([smith, smithSecond], (await ExportAsync(t, $"?affiliate_id={smithAffiliate}")).Ids);
        Assert.Equal([smithSecond], (await ExportAsync(t, $"?affiliate_id={smithAffiliate}&status=pending")).Ids);
        Assert.Equal([smith, zoe, smithSecond], (await ExportAsync(t, "?q=smith")).Ids);
        Assert.Equal([zoe], (await ExportAsync(t, "?q=ZOË")).Ids);
        Assert.Equal([bank], (await ExportAsync(t, "?q=BANK@EXAMPLE")).Ids);
        Assert.Equal([bank], (await ExportAsync(t, "?method=bank")).Ids);
        Assert.Equal([smith, zoe, bank, smithSecond], (await ExportAsync(t, "?created_from=2026-03-15&created_to=2026-03-15")).Ids);
        Assert.Equal([smith], (await ExportAsync(t, "?completed_from=2026-03-15")).Ids);

        var none = await ExportAsync(t, "?status=failed");
        Assert.Equal(Columns, none.Header);
        Assert.Empty(none.Rows);
        Assert.Equal(string.Join(",", Columns) + "\r\n", none.Text);
        Assert.Empty((await ExportAsync(t, "?created_from=2026-03-16")).Rows);
        Assert.Empty((await ExportAsync(t, "?q=nobody")).Rows);
    }

    [Theory]
    [InlineData("?status=paid")]
    [InlineData("?status=pending,bogus")]
    [InlineData("?affiliate_id=abc")]
    [InlineData("?created_from=2026-02-30")]
    [InlineData("?completed_to=15/03/2026")]
    [InlineData("?created_from=2026-03-10&created_to=2026-03-01")]
    [InlineData("?method=cheque")]
    [InlineData("?sort=name")]
    public async Task A_bad_filter_is_a_422_envelope_not_a_file(string query)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await t.PendingPayoutAsync(10m);

        var response = await t.Http.GetAsync(Url + query);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
        await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Another_programs_affiliate_filter_is_404_and_the_scope_is_required()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var other = await app.NewProgramAsync(name: "Other");
        var (theirs, _) = await other.PendingPayoutAsync(10m);

        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}?affiliate_id={theirs}"), 404, "NOT_FOUND");
        using var noRead = app.ClientWith(await app.TokenAsync(t.ProgramId, "payouts:write"));
        await Api.ErrorAsync(await noRead.GetAsync(Url), 403, "FORBIDDEN");
        using var anonymous = app.ClientWith(null);
        await Api.ErrorAsync(await anonymous.GetAsync(Url), 401, "UNAUTHORIZED");
    }
}
