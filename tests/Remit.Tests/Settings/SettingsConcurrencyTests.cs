using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Settings;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Merge-and-validate writes raced through HTTP, each request on its own connection (on PostgreSQL, its own server
/// session): whatever the interleaving, what is stored is something the rules accept, and every request's answer
/// is true of it. Rounds repeat the race because any one round may happen to run the two requests one after the other.
/// One host for the class, a program per test.
/// </summary>
public sealed class SettingsConcurrencyTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const int Rounds = 20;

    /// <summary>Sends the requests at the same moment, each from its own client.</summary>
    private static async Task<HttpResponseMessage[]> RaceAsync(TestApp app, string token, params Func<HttpClient, Task<HttpResponseMessage>>[] requests)
    {
        var clients = requests.Select(_ => app.ClientWith(token)).ToList();
        using var go = new ManualResetEventSlim();
        var sent = requests.Select((send, i) => Task.Run(async () =>
        {
            go.Wait();
            return await send(clients[i]);
        })).ToList();
        go.Set();
        return await Task.WhenAll(sent);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Racing_partial_payout_settings_never_store_a_day_the_frequency_forbids()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        for (var round = 0; round < Rounds; round++)
        {
            await Api.ExpectAsync(await t.Http.PutAsync("/v1/settings/payouts", Json("""{"payout_frequency":"monthly","payout_day":1}""")), 200);

            var answers = await RaceAsync(app, t.Token,
                c => c.PutAsync("/v1/settings/payouts", Json("""{"payout_frequency":"weekly"}""")),
                c => c.PutAsync("/v1/settings/payouts", Json("""{"payout_day":15}""")));

            var stored = (await t.GetAsync("/v1/settings/payouts"))["data"]!;
            var frequency = stored["payout_frequency"]!.GetValue<string>();
            var day = stored["payout_day"]!.GetValue<int>();
            // Applied one after the other, the second is judged against the first: weekly then day 15 is refused
            // (15 is no weekday), day 15 then weekly is refused (a weekly payout on day 15). One lands, one is 422.
            Assert.True((frequency, day) is ("weekly", 1) or ("monthly", 15), $"round {round}: stored {frequency} on day {day}");
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity], answers.Select(a => a.StatusCode).Order());
            var accepted = (await Api.ExpectAsync(answers.Single(a => a.StatusCode == HttpStatusCode.OK), 200))["data"]!;
            Assert.Equal(frequency, accepted["payout_frequency"]!.GetValue<string>());
            Assert.Equal(day, accepted["payout_day"]!.GetValue<int>());
            await Api.ErrorAsync(answers.Single(a => a.StatusCode != HttpStatusCode.OK), 422, "VALIDATION_ERROR");
        }
    }

    [Fact]
    public async Task Ach_and_paypal_settings_saved_during_payout_settings_changes_all_land()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        // Fewer rounds: three writers at once on SQLite queue behind its single write lock.
        for (var round = 0; round < Rounds / 4; round++)
        {
            var name = $"ACME {round}";
            var hook = $"WH-{round}";
            var answers = await RaceAsync(app, t.Token,
                c => c.PutAsync("/v1/settings/payouts", Json($$"""{"hold_days":{{round}}}""")),
                c => c.PutAsync("/v1/settings/ach", Json($$"""{"company_name":"{{name}}"}""")),
                c => c.PutAsync("/v1/settings/paypal", Json($$"""{"webhook_id":"{{hook}}"}""")));

            // The three share the program's row (and its version): a lost race is merged again, never a 500 or a lost change.
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            Assert.Equal(round, (await t.GetAsync("/v1/settings/payouts"))["data"]!["hold_days"]!.GetValue<int>());
            Assert.Equal(name, (await t.GetAsync("/v1/settings/ach"))["data"]!["company_name"]!.GetValue<string>());
            Assert.Equal(hook, (await t.GetAsync("/v1/settings/paypal"))["data"]!["webhook_id"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Racing_affiliate_patches_keep_the_search_finding_the_new_name_and_email()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync("Start Name");
        for (var round = 0; round < Rounds; round++)
        {
            var name = $"Name{round}x{Guid.NewGuid():N}"[..20];
            var email = $"mail{round}x{Guid.NewGuid():N}"[..20] + "@example.com";
            var answers = await RaceAsync(app, t.Token,
                c => c.PatchAsJsonAsync($"/v1/affiliates/{affiliate}", new { name }),
                c => c.PatchAsJsonAsync($"/v1/affiliates/{affiliate}", new { email }));

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            // The search column is made from both fields: a PATCH that saved over the other's row would leave it stale.
            Assert.Single((await t.GetAsync($"/v1/affiliates?q={name}"))["data"]!.AsArray());
            Assert.Single((await t.GetAsync($"/v1/affiliates?q={email}"))["data"]!.AsArray());
        }
    }

    [Fact]
    public async Task A_patch_racing_a_payout_method_change_never_leaves_one_methods_details_on_another()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var bank = new
        {
            payout_method = "bank",
            bank = new { holder_name = "Ada Lovelace", holder_type = "individual", routing_number = "011000015", account_number = "123456789", account_type = "checking" },
        };
        for (var round = 0; round < Rounds; round++)
        {
            var paypal = $"pay{round}@example.com";
            await Api.ExpectAsync(await t.Http.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method",
                new { payout_method = "paypal", paypal_email = "start@example.com" }), 200);

            var answers = await RaceAsync(app, t.Token,
                c => c.PatchAsJsonAsync($"/v1/affiliates/{affiliate}", new { paypal_email = paypal }),
                c => c.PutAsJsonAsync($"/v1/affiliates/{affiliate}/payout-method", bank));

            var stored = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!;
            var method = stored["payout_method"]!.GetValue<string>();
            var email = stored["paypal_email"]?.GetValue<string>();
            await using var db = app.Db(t.ProgramId);
            var account = (await db.Affiliates.AsNoTracking().SingleAsync(a => a.Id == affiliate)).Account;
            // Whichever landed first, the bank change is the last word on the method: a PATCH of only the email
            // keeps a bank affiliate's method (and a bank affiliate has no PayPal email).
            Assert.True(method == "bank" && email is null, $"round {round}: stored {method} with PayPal email {email}");
            Assert.NotNull(stored["bank"]);
            Assert.Equal("6789", account.Last4);
            Assert.Equal(HttpStatusCode.OK, answers[1].StatusCode);
            Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        }
    }
}
