using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Api;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Paging (meta and Link header), the payout list's filters and sorts, and 422 for values outside their set. One host
/// for the class, a program per test; the date-filter test sets the clock to fixed dates, so it keeps a host of its own.
/// </summary>
public sealed partial class PagingAndFilterTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private static List<long> Ids(JsonNode list) => list["data"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()).ToList();

    private static async Task<List<long>> ExportIdsAsync(Tenant t, string query)
    {
        var response = await t.Http.GetAsync("/v1/payouts/export?" + query);
        var csv = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, csv);
        return csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => long.Parse(line.Split(',')[0])).ToList();
    }

    [GeneratedRegex("<([^>]*)>;\\s*rel=\"([a-z]+)\"")]
    private static partial Regex LinkPart();

    /// <summary>rel → the page and per_page its URL asks for, and the whole URL.</summary>
    private static Dictionary<string, (int Page, int PerPage, Uri Url)> Links(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Link", out var values), "The list answer has no Link header.");
        var header = string.Join(", ", values!);
        var links = new Dictionary<string, (int, int, Uri)>();
        foreach (Match m in LinkPart().Matches(header))
        {
            var url = new Uri(m.Groups[1].Value);
            var query = QueryHelpers.ParseQuery(url.Query);
            links.Add(m.Groups[2].Value, (int.Parse(query["page"]!), int.Parse(query["per_page"]!), url));
        }
        return links;
    }

    [Fact]
    public async Task A_three_page_list_has_meta_and_first_prev_next_last_links()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var ids = new List<long>();
        for (var i = 0; i < 7; i++) ids.Add((await t.PendingPayoutAsync(10m + i)).Payout);

        var seen = new List<long>();
        for (var page = 1; page <= 3; page++)
        {
            var response = await t.Http.GetAsync($"/v1/payouts?status=pending&sort=id&per_page=3&page={page}");
            var body = await Api.ExpectAsync(response, 200);
            var meta = body["meta"]!;
            Assert.Equal(["page", "per_page", "total", "total_pages"], meta.AsObject().Select(p => p.Key).Order());
            Assert.Equal(page, meta["page"]!.GetValue<int>());
            Assert.Equal(3, meta["per_page"]!.GetValue<int>());
            Assert.Equal(7, meta["total"]!.GetValue<long>());
            Assert.Equal(3, meta["total_pages"]!.GetValue<long>());
            Assert.Equal(page == 3 ? 1 : 3, body["data"]!.AsArray().Count);
            seen.AddRange(Ids(body));

            var links = Links(response);
            Assert.Equal((1, 3), (links["first"].Page, links["first"].PerPage));
            Assert.Equal((3, 3), (links["last"].Page, links["last"].PerPage));
            if (page > 1) Assert.Equal(page - 1, links["prev"].Page); else Assert.False(links.ContainsKey("prev"));
            if (page < 3) Assert.Equal(page + 1, links["next"].Page); else Assert.False(links.ContainsKey("next"));
            Assert.Equal((page > 1 ? 1 : 0) + (page < 3 ? 1 : 0) + 2, links.Count);
            // The links keep the list's filters and lead back to the same list.
            foreach (var (_, _, url) in links.Values)
            {
                Assert.Equal("/v1/payouts", url.AbsolutePath);
                var query = QueryHelpers.ParseQuery(url.Query);
                Assert.Equal("pending", query["status"].ToString());
                Assert.Equal("id", query["sort"].ToString());
            }
            if (page < 3)
            {
                var next = await t.GetAsync(links["next"].Url.PathAndQuery);
                Assert.Equal(page + 1, next["meta"]!["page"]!.GetValue<int>());
            }
        }
        Assert.Equal(ids, seen);

        // A page past the last: 200, empty, the same totals.
        var past = await t.Http.GetAsync("/v1/payouts?per_page=3&page=4");
        var pastBody = await Api.ExpectAsync(past, 200);
        Assert.Empty(pastBody["data"]!.AsArray());
        Assert.Equal(4, pastBody["meta"]!["page"]!.GetValue<int>());
        Assert.Equal(7, pastBody["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(3, pastBody["meta"]!["total_pages"]!.GetValue<long>());
        Assert.Equal(3, Links(past)["last"].Page);

        // Defaults: page 1 of 25.
        var defaults = await t.GetAsync("/v1/payouts");
        Assert.Equal(1, defaults["meta"]!["page"]!.GetValue<int>());
        Assert.Equal(25, defaults["meta"]!["per_page"]!.GetValue<int>());
        Assert.Equal(1, defaults["meta"]!["total_pages"]!.GetValue<long>());
        Assert.Equal(7, defaults["data"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("/v1/payouts")]
    [InlineData("/v1/payouts/requests")]
    [InlineData("/v1/affiliates")]
    [InlineData("/v1/commissions")]
    public async Task A_list_with_no_rows_has_zero_pages(string url)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var body = await t.GetAsync(url);
        Assert.Empty(body["data"]!.AsArray());
        Assert.Equal(0, body["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(0, body["meta"]!["total_pages"]!.GetValue<long>());
        Assert.Equal(1, body["meta"]!["page"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/v1/payouts?per_page=0", "per_page")]
    [InlineData("/v1/payouts?per_page=101", "per_page")]
    [InlineData("/v1/payouts?per_page=-5", "per_page")]
    [InlineData("/v1/payouts?page=0", "page")]
    [InlineData("/v1/payouts?page=abc", "page")]
    [InlineData("/v1/payouts?page=1.5", "page")]
    [InlineData("/v1/payouts?status=paid", "status")]
    [InlineData("/v1/payouts?status=pending,bogus", "status")]
    [InlineData("/v1/payouts?status=PENDING", "status")]
    [InlineData("/v1/payouts?method=cheque", "method")]
    [InlineData("/v1/payouts?created_from=2026-13-01", "created_from")]
    [InlineData("/v1/payouts?created_to=15/03/2026", "created_to")]
    [InlineData("/v1/payouts?completed_from=yesterday", "completed_from")]
    [InlineData("/v1/payouts?completed_to=2026-02-30", "completed_to")]
    [InlineData("/v1/payouts?sort=name", "sort")]
    [InlineData("/v1/payouts?sort=-bogus", "sort")]
    [InlineData("/v1/payouts?sort=--amount", "sort")]
    [InlineData("/v1/payouts?affiliate_id=abc", "affiliate_id")]
    [InlineData("/v1/payouts/export?status=bogus", "status")]
    [InlineData("/v1/payouts/export?created_from=2026-1-1", "created_from")]
    [InlineData("/v1/payouts/export?sort=amount,id", "sort")]
    [InlineData("/v1/payouts/requests?per_page=101", "per_page")]
    [InlineData("/v1/payouts/requests?status=done", "status")]
    [InlineData("/v1/affiliates?page=0", "page")]
    [InlineData("/v1/affiliates?status=gone", "status")]
    [InlineData("/v1/commissions?per_page=0", "per_page")]
    [InlineData("/v1/commissions?status=unpaid", "status")]
    public async Task Out_of_range_paging_and_unknown_filter_values_are_422(string url, string field)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await t.PendingPayoutAsync(10m);
        var error = await Api.ErrorAsync(await t.Http.GetAsync(url), 422, "VALIDATION_ERROR");
        Assert.Contains(field, error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Status_method_and_affiliate_filters_select_exactly_their_rows()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (ada, pending) = await t.PendingPayoutAsync(10m);
        var (_, processing) = await t.PendingPayoutAsync(20m);
        await t.PostAsync($"/v1/payouts/{processing}/processing");
        var (_, completed) = await t.PendingPayoutAsync(30m);
        await t.PostAsync($"/v1/payouts/{completed}/complete", new { reference = "TXN-1" });
        var (_, failed) = await t.PendingPayoutAsync(40m);
        await t.PostAsync($"/v1/payouts/{failed}/fail", new { reason = "bounced" });
        var banked = await t.AffiliateAsync("Bank Person", method: "bank");
        await t.CommissionAsync(banked, 50m);
        var bank = await t.PayoutAsync(banked);
        // A second payout for Ada, so the affiliate filter has more than one row to find.
        await t.CommissionAsync(ada, 60m);
        var adaSecond = await t.PayoutAsync(ada);

        async Task<List<long>> Query(string q) => Ids(await t.GetAsync("/v1/payouts?sort=id&" + q)).Order().ToList();

        Assert.Equal(new[] { pending, bank, adaSecond }.Order(), await Query("status=pending"));
        Assert.Equal([processing], await Query("status=processing"));
        Assert.Equal([completed], await Query("status=completed"));
        Assert.Equal([failed], await Query("status=failed"));
        Assert.Equal(new[] { completed, failed }.Order(), await Query("status=completed,failed"));
        Assert.Equal(new[] { processing, completed, failed }.Order(), await Query("status=processing,%20completed,failed"));
        Assert.Equal([bank], await Query("method=bank"));
        Assert.Equal(new[] { pending, processing, completed, failed, adaSecond }.Order(), await Query("method=paypal"));
        Assert.Equal(new[] { pending, adaSecond }.Order(), await Query($"affiliate_id={ada}"));
        Assert.Equal(new[] { pending, adaSecond }.Order(), await Query($"affiliate_id={ada}&status=pending&method=paypal"));
        Assert.Equal([bank], await Query($"affiliate_id={banked}"));
        Assert.Empty(await Query($"affiliate_id={banked}&status=completed"));

        // The export applies the same filters.
        Assert.Equal(new[] { completed, failed }.Order(), (await ExportIdsAsync(t, "status=completed,failed")).Order());
        Assert.Equal([bank], await ExportIdsAsync(t, "method=bank"));
        Assert.Equal(new[] { pending, adaSecond }.Order(), (await ExportIdsAsync(t, $"affiliate_id={ada}")).Order());
    }

    [Fact]
    public async Task Date_filters_are_inclusive_calendar_days_in_the_programs_time_zone()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(timeZone: "America/New_York");

        async Task<long> PayoutAt(string utc)
        {
            app.Clock.SetUtcNow(DateTimeOffset.Parse(utc));
            var (_, payout) = await t.PendingPayoutAsync(10m);
            return payout;
        }

        // March 2026 is EDT (UTC−4): New York's midnight is 04:00 UTC.
        var p1 = await PayoutAt("2026-03-16T03:59:59Z"); // 15 March, 23:59:59 in New York
        var p2 = await PayoutAt("2026-03-16T04:00:00Z"); // 16 March, 00:00:00
        var p3 = await PayoutAt("2026-03-17T03:59:59Z"); // 16 March, 23:59:59
        var p4 = await PayoutAt("2026-03-17T04:00:00Z"); // 17 March, 00:00:00

        async Task<List<long>> Query(string q) => Ids(await t.GetAsync("/v1/payouts?sort=id&" + q));

        Assert.Equal([p2, p3], await Query("created_from=2026-03-16&created_to=2026-03-16"));
        Assert.Equal([p2, p3, p4], await Query("created_from=2026-03-16"));
        Assert.Equal([p1], await Query("created_to=2026-03-15"));
        Assert.Equal([p1, p2, p3], await Query("created_to=2026-03-16"));
        Assert.Equal([p4], await Query("created_from=2026-03-17&created_to=2026-03-17"));
        Assert.Empty(await Query("created_from=2026-03-18"));
        Assert.Equal([p2, p3], await ExportIdsAsync(t, "created_from=2026-03-16&created_to=2026-03-16&sort=id"));

        // November 2026, after the clocks go back, is EST (UTC−5): midnight is 05:00 UTC.
        async Task CompleteAt(long payout, string utc)
        {
            app.Clock.SetUtcNow(DateTimeOffset.Parse(utc));
            await t.PostAsync($"/v1/payouts/{payout}/complete");
        }
        await CompleteAt(p1, "2026-11-03T04:59:59Z"); // 2 November, 23:59:59 in New York
        await CompleteAt(p2, "2026-11-03T05:00:00Z"); // 3 November, 00:00:00
        await CompleteAt(p3, "2026-11-04T04:59:59Z"); // 3 November, 23:59:59

        Assert.Equal([p2, p3], await Query("completed_from=2026-11-03&completed_to=2026-11-03"));
        Assert.Equal([p1], await Query("completed_to=2026-11-02"));
        Assert.Equal([p2, p3], await Query("completed_from=2026-11-03"));
        Assert.Equal([p1, p2, p3], await Query("completed_from=2026-11-02&completed_to=2026-11-04"));
        // A payout not completed is outside any completed_* range.
        Assert.DoesNotContain(p4, await Query("completed_from=2000-01-01"));
        Assert.Equal([p1], await Query("created_to=2026-03-15&completed_to=2026-11-02"));
        Assert.Equal([p2, p3], await ExportIdsAsync(t, "completed_from=2026-11-03&completed_to=2026-11-03&sort=id"));

        // The export's file is named for today in New York (still 3 November there).
        var export = await t.Http.GetAsync("/v1/payouts/export");
        Assert.Equal("payouts-2026-11-03.csv", export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task Q_finds_a_case_insensitive_substring_of_the_affiliates_name_or_email_in_any_script()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        async Task<long> PayoutFor(string name, string email)
        {
            var affiliate = await t.AffiliateAsync(name, email);
            await t.CommissionAsync(affiliate, 10m);
            return await t.PayoutAsync(affiliate);
        }
        var emile = await PayoutFor("Émile Zola", "emile@lettres.fr");
        var ada = await PayoutFor("Ada Lovelace", "ada@example.com");
        var bjork = await PayoutFor("Björk Guðmundsdóttir", "bjork@sugarcubes.is");
        var percent = await PayoutFor("Ten Percent", "ten_percent@example.com");

        async Task<List<long>> Query(string q) => Ids(await t.GetAsync("/v1/payouts?sort=id&q=" + Uri.EscapeDataString(q)));

        Assert.Equal([emile], await Query("émile"));
        Assert.Equal([emile], await Query("ÉMILE"));
        Assert.Equal([emile], await Query("ZOLA"));
        Assert.Equal([emile], await Query("le zo"));
        Assert.Equal([emile], await Query("LETTRES.FR"));
        Assert.Equal([ada], await Query("lovelace"));
        Assert.Equal([bjork], await Query("GUÐMUNDSDÓTTIR"));
        Assert.Equal([bjork], await Query("björk"));
        Assert.Equal(new[] { emile, ada, bjork, percent }.Order(), (await Query("e")).Order());
        Assert.Empty(await Query("emile zola"));
        Assert.Empty(await Query("nobody"));
        // LIKE's wildcards are plain characters in q.
        Assert.Empty(await Query("%"));
        Assert.Equal([percent], await Query("_"));
        Assert.Equal([emile], await ExportIdsAsync(t, "q=" + Uri.EscapeDataString("ZOLA")));
        Assert.Equal(["Émile Zola"], (await t.GetAsync("/v1/affiliates?q=" + Uri.EscapeDataString("ÉMILE")))["data"]!.AsArray()
            .Select(a => a!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Sort_orders_by_amount_id_and_created_at_either_way()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var byCreation = new List<long>();
        var amounts = new Dictionary<long, decimal>();
        foreach (var amount in new[] { 30m, 10m, 50m, 20m, 40m })
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            var (_, payout) = await t.PendingPayoutAsync(amount);
            byCreation.Add(payout);
            amounts[payout] = amount;
        }
        async Task<List<long>> Sorted(string sort) => Ids(await t.GetAsync("/v1/payouts" + (sort.Length == 0 ? "" : "?sort=" + sort)));

        var byAmount = amounts.OrderBy(p => p.Value).Select(p => p.Key).ToList();
        Assert.Equal(byAmount, await Sorted("amount"));
        Assert.Equal(Enumerable.Reverse(byAmount), await Sorted("-amount"));
        Assert.Equal(byCreation.Order(), await Sorted("id"));
        Assert.Equal(byCreation.OrderDescending(), await Sorted("-id"));
        Assert.Equal(byCreation, await Sorted("created_at"));
        Assert.Equal(Enumerable.Reverse(byCreation), await Sorted("-created_at"));
        // The default is newest first.
        Assert.Equal(Enumerable.Reverse(byCreation), await Sorted(""));

        // The amounts really are in order, two decimals each.
        var list = await t.GetAsync("/v1/payouts?sort=-amount");
        Assert.Equal(["50.00", "40.00", "30.00", "20.00", "10.00"], list["data"]!.AsArray().Select(p => Api.Raw(p!["amount"])));

        // Sorting with a page: the second page of two continues the order.
        var page2 = Ids(await t.GetAsync("/v1/payouts?sort=amount&per_page=2&page=2"));
        Assert.Equal(byAmount.Skip(2).Take(2), page2);

        // completed_at: completed ones in completion order.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await t.PostAsync($"/v1/payouts/{byCreation[3]}/complete");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await t.PostAsync($"/v1/payouts/{byCreation[1]}/complete");
        Assert.Equal([byCreation[3], byCreation[1]], Ids(await t.GetAsync("/v1/payouts?status=completed&sort=completed_at")));
        Assert.Equal([byCreation[1], byCreation[3]], Ids(await t.GetAsync("/v1/payouts?status=completed&sort=-completed_at")));
    }
}
