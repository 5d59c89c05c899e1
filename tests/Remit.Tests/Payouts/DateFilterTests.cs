using System.Text;

namespace Remit.Tests.Payouts;

using Remit.Tests.Infrastructure;

/// <summary>
/// Date filters over HTTP where a day's midnight does not exist, and at the edges of the calendar. One host for the
/// class, a program per test; the test that sets the clock to a fixed date keeps a host of its own.
/// </summary>
public sealed class DateFilterTests(SharedApp shared) : IClassFixture<SharedApp>
{
    /// <summary>
    /// In Santiago 2026-09-06 begins at 01:00 (-03), i.e. 04:00Z: a payout made a minute before belongs to the 5th,
    /// one made at 04:00Z to the 6th, in the list and in the export alike.
    /// </summary>
    [Fact]
    public async Task A_day_whose_midnight_is_skipped_starts_at_its_first_instant_in_the_list_and_the_export()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(timeZone: "America/Santiago");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 9, 6, 3, 59, 0, TimeSpan.Zero));
        var (_, fifth) = await t.PendingPayoutAsync(10m);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, sixth) = await t.PendingPayoutAsync(20m);

        Assert.Equal([sixth], await ListAsync(t, "created_from=2026-09-06"));
        Assert.Equal([fifth], await ListAsync(t, "created_to=2026-09-05"));
        Assert.Equal([sixth], await ListAsync(t, "created_from=2026-09-06&created_to=2026-09-06"));
        Assert.Equal([sixth], await ExportIdsAsync(t, "created_from=2026-09-06"));
        Assert.Equal([fifth], await ExportIdsAsync(t, "created_to=2026-09-05"));
    }

    [Theory]
    [InlineData("created_to=9998-12-31")]
    [InlineData("created_from=0001-01-01")]
    [InlineData("completed_to=9998-12-31")]
    public async Task The_first_and_last_supported_days_filter_normally(string filter)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(timeZone: "Pacific/Kiritimati");
        var (_, payout) = await t.PendingPayoutAsync(10m);
        await t.PostAsync($"/v1/payouts/{payout}/complete");

        Assert.Equal([payout], await ListAsync(t, filter));
        Assert.Equal([payout], await ExportIdsAsync(t, filter));
    }

    [Theory]
    [InlineData("/v1/payouts?created_to=9999-12-31", "created_to")]
    [InlineData("/v1/payouts/export?created_to=9999-12-31", "created_to")]
    [InlineData("/v1/payouts?completed_from=9999-01-01", "completed_from")]
    [InlineData("/v1/payouts/export?created_from=0000-12-31", "created_from")]
    public async Task Years_outside_1_to_9998_are_a_422_naming_the_filter(string url, string field)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(timeZone: "America/Santiago");
        await t.PendingPayoutAsync(10m);

        var error = await Api.ErrorAsync(await t.Http.GetAsync(url), 422, "VALIDATION_ERROR");

        Assert.Equal(field, error["details"]![0]!["field"]!.GetValue<string>());
        Assert.Contains("9998", error["details"]![0]!["message"]!.GetValue<string>());
    }

    private static async Task<List<long>> ListAsync(Tenant t, string query) =>
        (await t.GetAsync("/v1/payouts?sort=id&" + query))["data"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()).ToList();

    private static async Task<List<long>> ExportIdsAsync(Tenant t, string query)
    {
        var response = await t.Http.GetAsync("/v1/payouts/export?sort=id&" + query);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.True(response.IsSuccessStatusCode, text);
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => long.Parse(line.Split(',')[0])).ToList();
    }
}
