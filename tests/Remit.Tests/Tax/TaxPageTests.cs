using System.Net;
using System.Text.RegularExpressions;
using Remit.Programs;
using Remit.Tests.Dashboard;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Tax;

/// <summary>
/// The dashboard's Tax forms page: counts by status for the whole program, one page of the group asked for (what needs
/// the merchant first), masked TINs only, and no such page or link on a plan without forms.
/// </summary>
public sealed partial class TaxPageTests
{
    [GeneratedRegex("<tr data-affiliate=\"(\\d+)\"")]
    private static partial Regex Row();

    private static List<long> Rows(string html) => Row().Matches(html).Select(m => long.Parse(m.Groups[1].Value)).ToList();

    private static string Count(string html, string status) =>
        Regex.Match(html, $"data-count=\"{status}\">(\\d+)<").Groups[1].Value;

    [Fact]
    public async Task The_page_counts_the_whole_program_and_lists_one_page_of_the_group_asked_for()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(Plans.Standard);
        var missing = new List<long>();
        for (var i = 0; i < 27; i++) missing.Add(await t.AffiliateAsync($"Needs Form {i:D2}"));
        var onFile = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            var affiliate = await t.AffiliateAsync($"Has Form {i}");
            await t.W9Async(affiliate, TaxSetup.Ssn, $"Has Form {i}");
            onFile.Add(affiliate);
        }
        var http = await DashboardHttp.SignedInAsync(app, t.ProgramId);

        var first = WebUtility.HtmlDecode(await http.GetStringAsync("/tax"));
        Assert.Equal("27", Count(first, "missing"));
        Assert.Equal("2", Count(first, "valid"));
        Assert.Equal("0", Count(first, "expiring"));
        // By default the affiliates who need a form, by name, 25 to a page.
        Assert.Equal(missing.Take(25), Rows(first));
        Assert.Contains("Page 1 of 2 · 27 affiliates", first);
        Assert.Contains("Missing or not valid (27)", first);
        Assert.Contains("<a href=\"/tax\" aria-current=\"page\">Tax forms</a>", first);

        var second = WebUtility.HtmlDecode(await http.GetStringAsync("/tax?show=needed&page=2"));
        Assert.Equal(missing.Skip(25), Rows(second));
        Assert.Equal("27", Count(second, "missing"));

        var valid = WebUtility.HtmlDecode(await http.GetStringAsync("/tax?show=valid"));
        Assert.Equal(onFile, Rows(valid));
        Assert.Contains("•••-••-6789", valid);
        Assert.DoesNotContain(TaxSetup.Ssn, valid);
        Assert.DoesNotContain("123456789", valid);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/tax?show=everything")).StatusCode);
    }

    [Fact]
    public async Task A_plan_without_forms_has_no_tax_page_and_no_link_to_one()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(Plans.Basic);
        var http = await DashboardHttp.SignedInAsync(app, t.ProgramId);

        var payouts = await http.GetStringAsync("/payouts");
        Assert.Contains("href=\"/payouts\"", payouts);
        Assert.DoesNotContain("href=\"/tax\"", payouts);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/tax")).StatusCode);
    }

    [Fact]
    public async Task On_the_1099_page_only_its_own_link_is_marked_current()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(Plans.Custom);
        var http = await DashboardHttp.SignedInAsync(app, t.ProgramId);

        var page = await http.GetStringAsync("/tax/1099-nec");
        Assert.Contains("<a href=\"/tax/1099-nec\" aria-current=\"page\">1099-NEC</a>", page);
        Assert.Contains("<a href=\"/tax\">Tax forms</a>", page);
    }
}
