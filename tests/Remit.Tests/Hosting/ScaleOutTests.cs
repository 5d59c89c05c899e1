using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;
using StackExchange.Redis;

namespace Remit.Tests.Hosting;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Two published `remit` processes, as behind a load balancer, on one database (the run's provider: PostgreSQL, or
/// one SQLite file both open) and one Redis (REMIT_TEST_REDIS, started by scripts/test.sh or scripts/redis.sh; a
/// test fails without it, never skips): a session and a form made by one are accepted by the other, a token's rate
/// limit counts the requests both received, racing transitions sent to both move a payout once, and the payout
/// schedule, ticking every second in both, makes a payout day's payouts once.
/// </summary>
public sealed partial class ScaleOutTests
{
    private const string Password = "correct horse battery staple";
    private const int PermitsPerMinute = 30;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [Fact]
    public async Task Two_processes_share_sessions_forms_rate_limits_and_one_outcome_per_race_and_schedule_day()
    {
        var redis = await RedisForThisRunAsync();
        var remit = Path.Combine(await PublishedBuild.FolderAsync(), "remit");
        var folder = RemitProcess.NewFolder();
        await using var postgres = TestDatabase.IsPostgres ? await TestDatabase.CreateAsync() : null;
        try
        {
            var env = Operator.Environment(postgres);
            env["Remit__Redis"] = redis;
            env["Remit__RateLimit__PermitsPerMinute"] = PermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Both run the schedule (clustered Quartz on PostgreSQL, one in-memory scheduler each on SQLite), every second.
            env["Remit__Schedule__Interval"] = "00:00:01";
            // The first migrates; the second starts on the migrated database, as a rolling start does.
            await using var first = RemitProcess.Start(remit, folder, env, "--urls", "http://127.0.0.1:0");
            var a = await first.StartedAsync();
            await using var second = RemitProcess.Start(remit, folder, env, "--urls", "http://127.0.0.1:0");

            var email = $"ops-{Guid.NewGuid():N}@example.com";
            string limited, racer, scheduler;
            long programId;
            await using (var db = Operator.Open(postgres, folder))
            {
                var now = DateTime.UtcNow;
                var program = await ProgramAdmin.CreateProgramAsync(db, "Two servers", Plans.Basic, "USD", "UTC", now);
                limited = (await ProgramAdmin.CreateTokenAsync(db, program.Id, "limited", Scopes.All, null, now)).Secret;
                racer = (await ProgramAdmin.CreateTokenAsync(db, program.Id, "racer", Scopes.All, null, now)).Secret;
                scheduler = (await ProgramAdmin.CreateTokenAsync(db, program.Id, "scheduler", Scopes.All, null, now)).Secret;
                programId = program.Id;
                await ProgramAdmin.CreateUserAsync(db, program.Id, email, Password, UserRoles.Admin, now);
            }
            var b = await second.StartedAsync();
            using var api = Client(a, racer);
            var byForm = await PendingPayoutAsync(api, "Form Payee");
            var raced = await PendingPayoutAsync(api, "Race Payee");

            // Signed in on one, a form read from it and posted to the other: the session cookie and the anti-forgery
            // token were written with keys the other reads from the database.
            var browser = new CookieBrowser();
            var signIn = await browser.PostFormAsync(a, "/sign-in", new() { ["email"] = email, ["password"] = Password },
                await browser.AntiforgeryAsync(a, "/sign-in"));
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            var complete = await browser.PostFormAsync(b, $"/payouts/{byForm}?handler=Complete", new() { ["reference"] = "FROM-THE-OTHER" },
                await browser.AntiforgeryAsync(a, $"/payouts/{byForm}"));
            Assert.Equal(HttpStatusCode.Redirect, complete.StatusCode);
            Assert.Equal($"/payouts/{byForm}", complete.Headers.Location!.OriginalString);
            var paid = (await Api.GetAsync(api, $"/v1/payouts/{byForm}"))["data"]!;
            Assert.Equal("completed", paid["status"]!.GetValue<string>());
            Assert.Equal("FROM-THE-OTHER", paid["reference"]!.GetValue<string>());
            Assert.Equal(email, paid["status_history"]!.AsArray().Single(h => h!["to"]!.GetValue<string>() == "completed")!["actor"]!.GetValue<string>());

            // One limit for the token, whichever process a request reaches: half the permits on each, then none left on either.
            using var limitedOnA = Client(a, limited);
            using var limitedOnB = Client(b, limited);
            for (var i = 0; i < PermitsPerMinute; i++)
            {
                var response = await (i % 2 == 0 ? limitedOnA : limitedOnB).GetAsync("/v1/program");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.StartsWith($"\"default\";r={PermitsPerMinute - i - 1};", response.Headers.GetValues("RateLimit").Single());
            }
            await Api.ErrorAsync(await limitedOnA.GetAsync("/v1/program"), 429, "RATE_LIMITED");
            await Api.ErrorAsync(await limitedOnB.GetAsync("/v1/program"), 429, "RATE_LIMITED");

            // Twenty completes of one payout, each on its own connection, spread over both processes: one wins.
            var clients = Enumerable.Range(0, 20).Select(i => Client(i % 2 == 0 ? a : b, racer)).ToList();
            using var go = new ManualResetEventSlim();
            var attempts = clients.Select((c, i) => Task.Run(async () =>
            {
                go.Wait();
                return await c.PostAsJsonAsync($"/v1/payouts/{raced}/complete", new { reference = $"TXN-{i}" });
            })).ToList();
            go.Set();
            var responses = await Task.WhenAll(attempts);
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
            var winner = (await Api.ExpectAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK), 200))["data"]!;
            var stored = (await Api.GetAsync(api, $"/v1/payouts/{raced}"))["data"]!;
            Assert.Equal(winner["reference"]!.GetValue<string>(), stored["reference"]!.GetValue<string>());
            var commissions = (await Api.GetAsync(api, $"/v1/commissions?affiliate_id={stored["affiliate_id"]}"))["data"]!.AsArray();
            Assert.All(commissions, c => Assert.Equal("paid", c!["status"]!.GetValue<string>()));
            await using (var db = Operator.Open(postgres, folder))
                Assert.Equal(1, await db.AuditEvents.IgnoreQueryFilters().CountAsync(e => e.EntityId == raced && e.ToStatus == "completed"));
            foreach (var c in clients) c.Dispose();

            // The schedule: affiliates with payable commissions, then today made a weekly payout day with automatic
            // payouts. Both processes tick every second; each affiliate gets one payout, each commission is linked once,
            // and the day is one run.
            using var schedule = Client(b, scheduler);
            var scheduled = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                var payee = $"{Guid.NewGuid():N}@example.com";
                var affiliate = (await Api.ExpectAsync(await schedule.PostAsJsonAsync("/v1/affiliates", new JsonObject
                {
                    ["name"] = $"Scheduled {i}", ["email"] = payee, ["country"] = "US", ["payout_method"] = "paypal", ["paypal_email"] = payee,
                }), 201))["data"]!["id"]!.GetValue<long>();
                foreach (var amount in new[] { 12.5m, 30m })
                    await Api.ExpectAsync(await schedule.PostAsJsonAsync("/v1/commissions",
                        new { affiliate_id = affiliate, amount, description = "Sale", earned_at = DateTime.UtcNow.AddDays(-2).ToString("O") }), 201);
                scheduled.Add(affiliate);
            }
            var today = DateTime.UtcNow.DayOfWeek; // the program's zone is UTC
            var weekday = today == DayOfWeek.Sunday ? 7 : (int)today;
            await Api.ExpectAsync(await schedule.PutAsJsonAsync("/v1/settings/payouts",
                new { payout_frequency = "weekly", payout_day = weekday, min_payout = 10m, auto_create_payouts = true }), 200);

            await using (var db = Operator.Open(postgres, folder))
            {
                db.ProgramId = programId;
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (!await db.ScheduleRuns.AnyAsync(r => r.FinishedAt != null) && DateTime.UtcNow < deadline) await Task.Delay(250);
                // A few more ticks of both processes: nothing is made twice.
                await Task.Delay(TimeSpan.FromSeconds(3));
                var run = Assert.Single(await db.ScheduleRuns.AsNoTracking().ToListAsync());
                Assert.NotNull(run.FinishedAt);
                var payouts = await db.Payouts.AsNoTracking().Where(p => scheduled.Contains(p.AffiliateId)).ToListAsync();
                Assert.Equal(scheduled.Order(), payouts.Select(p => p.AffiliateId).Order());
                Assert.All(payouts, p => Assert.Equal(("schedule", 4250L, run.PayoutDate), (p.Source, p.AmountMinor, p.ScheduleDate!.Value)));
                var scheduledCommissions = await db.Commissions.AsNoTracking().Where(c => scheduled.Contains(c.AffiliateId)).ToListAsync();
                var payoutIds = payouts.Select(p => p.Id).ToList();
                var links = await db.PayoutCommissions.AsNoTracking().Where(l => payoutIds.Contains(l.PayoutId)).ToListAsync();
                Assert.Equal(scheduledCommissions.Select(c => c.Id).Order(), links.Select(l => l.CommissionId).Order());
                Assert.All(scheduledCommissions, c => Assert.Equal(c.PayoutId, links.Single(l => l.CommissionId == c.Id).PayoutId));
            }
        }
        finally
        {
            Operator.Remove(folder);
        }
    }

    /// <summary>
    /// REMIT_TEST_REDIS with a database of its own per provider's run, emptied of Remit's counters first: token ids
    /// start at 1 in every fresh database, and a counter left by an earlier run would be counted again.
    /// </summary>
    private static async Task<string> RedisForThisRunAsync()
    {
        var given = Environment.GetEnvironmentVariable("REMIT_TEST_REDIS") is { Length: > 0 } r ? r
            : throw new InvalidOperationException("REMIT_TEST_REDIS is not set: run under scripts/test.sh, or `bash scripts/redis.sh dotnet test ...`.");
        var configuration = $"{given},defaultDatabase={(TestDatabase.IsPostgres ? 2 : 1)}";
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var db = connection.GetDatabase();
        await foreach (var key in server.KeysAsync(db.Database, "rl:*"))
            await db.KeyDeleteAsync(key);
        return configuration;
    }

    private static HttpClient Client(Uri server, string token)
    {
        var client = new HttpClient(new OpenApiContractHandler { InnerHandler = new HttpClientHandler() }) { BaseAddress = server };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<long> PendingPayoutAsync(HttpClient api, string name)
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var affiliate = (await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/affiliates",
            new JsonObject { ["name"] = name, ["email"] = email, ["country"] = "US", ["payout_method"] = "paypal", ["paypal_email"] = email }), 201))["data"]!["id"]!.GetValue<long>();
        await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/commissions", new { affiliate_id = affiliate, amount = 25m, description = "Sale" }), 201);
        return (await Api.ExpectAsync(await api.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate }), 201))["data"]!["id"]!.GetValue<long>();
    }

    /// <summary>
    /// One browser's cookies for both processes (one site behind a balancer). Kept by hand: outside Development the
    /// session cookie is Secure, and HttpClient's cookie container would not send it over the tests' plain HTTP.
    /// </summary>
    private sealed class CookieBrowser
    {
        private readonly Dictionary<string, string> _cookies = [];
        private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });

        public async Task<string> AntiforgeryAsync(Uri server, string path)
        {
            var page = await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(server, path)));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            return AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        }

        public Task<HttpResponseMessage> PostFormAsync(Uri server, string path, Dictionary<string, string> fields, string antiforgery)
        {
            fields["__RequestVerificationToken"] = antiforgery;
            return SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(server, path)) { Content = new FormUrlEncodedContent(fields) });
        }

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await _http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
                foreach (var pair in setCookies.Select(c => c.Split(';')[0].Split('=', 2)))
                    _cookies[pair[0]] = pair[1];
            return response;
        }
    }
}
