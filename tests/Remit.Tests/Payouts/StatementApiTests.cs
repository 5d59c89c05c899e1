using Remit.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Remit.Tests.Payouts;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>GET /v1/payouts/{id}/statement read back by an independent PDF reader.</summary>
public sealed class StatementApiTests
{
    [Fact]
    public async Task The_statement_lists_every_commission_and_the_total_with_names_in_any_script()
    {
        await using var app = await TestApp.StartAsync();
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

    [Fact]
    public async Task Another_programs_statement_is_not_found()
    {
        await using var app = await TestApp.StartAsync();
        var a = await app.NewProgramAsync();
        var b = await app.NewProgramAsync(name: "Other");
        var (_, payout) = await b.PendingPayoutAsync(5m);
        await Api.ErrorAsync(await a.Http.GetAsync($"/v1/payouts/{payout}/statement"), 404, "NOT_FOUND");
    }
}
