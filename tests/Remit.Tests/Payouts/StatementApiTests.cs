using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Remit.Payouts;
using Remit.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Remit.Tests.Payouts;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// GET /v1/payouts/{id}/statement read back by an independent PDF reader. One host for the class, a program per test;
/// the render-limit test takes the host's render permits, so it keeps a host of its own.
/// </summary>
public sealed class StatementApiTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task The_statement_lists_every_commission_and_the_total_with_names_in_any_script()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(name: "Δοκιμή Shop");
        var affiliate = await t.AffiliateAsync("Дмитрий 山田太郎 김민준");
        await t.CommissionAsync(affiliate, 1234.56m, "ORD-ALPHA", new DateTime(2026, 2, 1, 10, 0, 0, DateTimeKind.Utc));
        await t.CommissionAsync(affiliate, 0.44m, "ORD-BETA", new DateTime(2026, 2, 2, 10, 0, 0, DateTimeKind.Utc));
        var payout = await t.PayoutAsync(affiliate);
        await t.PostAsync($"/v1/payouts/{payout}/complete", new { reference = "TXN-77" });

        var response = await t.Http.GetAsync($"/v1/payouts/{payout}/statement");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"statement-{payout}.pdf", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length < 200 * 1024, $"statement is {bytes.Length} bytes");

        using var pdf = PdfDocument.Open(bytes);
        var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        Assert.Contains("Δοκιμή", text);
        Assert.Contains("Дмитрий", text);
        Assert.Contains("山田太郎", text);
        Assert.Contains("김민준", text);
        Assert.Contains("ORD-ALPHA", text);
        Assert.Contains("ORD-BETA", text);
        Assert.Contains("1,234.56", text);
        Assert.Contains("0.44", text);
        Assert.Contains("1,235.00", text);
        Assert.Contains("TXN-77", text);
        Assert.Contains("completed", text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// 40,000 commissions (more than SQLite's 32,766 variables in one statement, once a 500) in one payout, all
    /// earned at the same instant so paging leans on the id tie-break: the PDF comes whole, the last line and the
    /// total on its last page.
    /// </summary>
    [Fact]
    public async Task A_statement_of_40000_commissions_has_every_page_the_last_line_and_the_total()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync("Bulk Seller");
        var first = await t.CommissionAsync(affiliate, 1.25m);
        var payout = await t.PayoutAsync(affiliate);
        await using (var db = app.Db(t.ProgramId))
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 39999)
                INSERT INTO commissions (program_id, affiliate_id, amount_minor, clawed_back_minor, currency, description, kind, earned_at, created_at, payout_id)
                SELECT c.program_id, c.affiliate_id, c.amount_minor, 0, c.currency, 'Order ' || n.i, c.kind, c.earned_at, c.created_at, c.payout_id
                FROM n CROSS JOIN commissions c WHERE c.id = {first}
                """);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO payout_commissions (program_id, payout_id, commission_id) SELECT program_id, payout_id, id FROM commissions WHERE payout_id = {payout} AND id <> {first}");
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE payouts SET amount_minor = (SELECT SUM(amount_minor) FROM commissions WHERE payout_id = {payout}) WHERE id = {payout}");
        }

        var response = await t.Http.GetAsync($"/v1/payouts/{payout}/statement");

        Assert.Equal(200, (int)response.StatusCode);
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.True(pdf.NumberOfPages > 1000, $"only {pdf.NumberOfPages} pages");
        var lastPage = string.Join(" ", pdf.GetPage(pdf.NumberOfPages).GetWords().Select(w => w.Text));
        Assert.Contains("Order 39999", lastPage);
        Assert.Contains("Total 50,000.00", lastPage);
        Assert.Contains($"Page {pdf.NumberOfPages} / {pdf.NumberOfPages}", lastPage);
        var firstPage = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
        Assert.Contains("50,000.00", firstPage);
        Assert.Contains("Sale", firstPage);
        Assert.Contains("Order 1 ", firstPage);
    }

    /// <summary>
    /// Renders are bounded: with every permit taken, statements wait (and other requests keep answering), one more
    /// than the queue holds is a 503 at once, and the waiting ones are made when permits come back.
    /// </summary>
    [Fact]
    public async Task Statements_beyond_the_render_limit_wait_or_are_refused_while_other_requests_answer()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var (_, payout) = await t.PendingPayoutAsync(10m);
        var url = $"/v1/payouts/{payout}/statement";
        var renders = app.Services.GetRequiredService<StatementRenders>();
        var held = new List<System.Threading.RateLimiting.RateLimitLease>();
        for (var i = 0; i < renders.PermitLimit; i++) held.Add(await renders.WaitAsync(default));

        var waiting = Enumerable.Range(0, StatementRenders.QueueLimit).Select(_ => t.Http.GetAsync(url)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (renders.Queued < StatementRenders.QueueLimit && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(StatementRenders.QueueLimit, renders.Queued);

        var refused = await Api.ErrorAsync(await t.Http.GetAsync(url), 503, "BUSY");
        Assert.Contains("try again", refused["message"]!.GetValue<string>());
        await t.GetAsync("/v1/payouts/stats");
        Assert.All(waiting, request => Assert.False(request.IsCompleted));

        held.ForEach(lease => lease.Dispose());
        foreach (var response in await Task.WhenAll(waiting))
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task Another_programs_statement_is_not_found()
    {
        var app = shared.App;
        var a = await app.NewProgramAsync();
        var b = await app.NewProgramAsync(name: "Other");
        var (_, payout) = await b.PendingPayoutAsync(5m);
        await Api.ErrorAsync(await a.Http.GetAsync($"/v1/payouts/{payout}/statement"), 404, "NOT_FOUND");
    }
}
