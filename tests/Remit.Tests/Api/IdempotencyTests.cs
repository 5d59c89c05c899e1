using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;

namespace Remit.Tests.Api;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Idempotency-Key on POST, PUT and PATCH: a retried request with its key is answered with the first answer and
/// does nothing again; the key cannot be reused for another request; concurrent retries give one effect. One host
/// for the class, a program per test: keys belong to their program, and expire relative to the clock at their use.
/// </summary>
public sealed class IdempotencyTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private static HttpRequestMessage Post(string url, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(Idempotency.Header, key);
        return request;
    }

    [Fact]
    public async Task Replaying_a_payout_creation_answers_the_first_payout_and_makes_no_second()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        await t.CommissionAsync(affiliate, 100m);
        var body = $"{{\"affiliate_id\":{affiliate}}}";

        var first = await t.Http.SendAsync(Post("/v1/payouts", body, "payout-1"));
        var firstBody = await Api.ExpectAsync(first, 201);
        Assert.False(first.Headers.Contains(Idempotency.ReplayedHeader));
        // More money arrives meanwhile: a second run would make a second payout of it; the replay must not.
        await t.CommissionAsync(affiliate, 40m);
        // /api//v1/... is the same path as /v1/...
        var again = await t.Http.SendAsync(Post("/api//v1/payouts", body, "payout-1"));
        var againBody = await Api.ExpectAsync(again, 201);

        Assert.Equal("true", again.Headers.GetValues(Idempotency.ReplayedHeader).Single());
        Assert.Equal(firstBody.ToJsonString(), againBody.ToJsonString());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(1, await db.Payouts.CountAsync());
        Assert.Equal("40.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task Replaying_a_commission_creation_records_one_commission()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var body = $"{{\"affiliate_id\":{affiliate},\"amount\":25.00}}";

        var first = await Api.ExpectAsync(await t.Http.SendAsync(Post("/v1/commissions", body, "c-1")), 201);
        var again = await t.Http.SendAsync(Post("/v1/commissions", body, "c-1"));

        Assert.Equal(first.ToJsonString(), (await Api.ExpectAsync(again, 201)).ToJsonString());
        Assert.Equal("true", again.Headers.GetValues(Idempotency.ReplayedHeader).Single());
        Assert.Equal(1, (int)(await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["meta"]!["total"]!);
        Assert.Equal("25.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task Replaying_a_batch_creation_makes_one_batch()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("nano");
        var (_, payout) = await t.PendingPayoutAsync(80m);
        var body = $"{{\"method\":\"paypal\",\"payout_ids\":[{payout}]}}";

        var first = await Api.ExpectAsync(await t.Http.SendAsync(Post("/v1/payout-batches", body, "batch-1")), 201);
        var again = await t.Http.SendAsync(Post("/v1/payout-batches", body, "batch-1"));

        Assert.Equal(first.ToJsonString(), (await Api.ExpectAsync(again, 201)).ToJsonString());
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(1, await db.PayoutBatches.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "batch.created"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_or_path_is_refused_and_does_nothing()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        await Api.ExpectAsync(await t.Http.SendAsync(Post("/v1/commissions", $"{{\"affiliate_id\":{affiliate},\"amount\":25.00}}", "k")), 201);

        var otherBody = await t.Http.SendAsync(Post("/v1/commissions", $"{{\"affiliate_id\":{affiliate},\"amount\":26.00}}", "k"));
        var error = await Api.ErrorAsync(otherBody, 422, Idempotency.KeyReused);
        Assert.Equal(Idempotency.Header, error["details"]![0]!["field"]!.GetValue<string>());
        var otherQuery = await t.Http.SendAsync(Post("/v1/commissions?x=1", $"{{\"affiliate_id\":{affiliate},\"amount\":25.00}}", "k"));
        await Api.ErrorAsync(otherQuery, 422, Idempotency.KeyReused);

        Assert.Equal("25.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task A_key_belongs_to_its_program_and_expires_after_24_hours()
    {
        var app = shared.App;
        var a = await app.NewProgramAsync();
        var b = await app.NewProgramAsync(name: "Other");
        var affiliateA = await a.AffiliateAsync();
        var affiliateB = await b.AffiliateAsync();
        await Api.ExpectAsync(await a.Http.SendAsync(Post("/v1/commissions", $"{{\"affiliate_id\":{affiliateA},\"amount\":10.00}}", "shared")), 201);
        // Another program's key of the same name is its own: its request runs.
        var other = await b.Http.SendAsync(Post("/v1/commissions", $"{{\"affiliate_id\":{affiliateB},\"amount\":10.00}}", "shared"));
        await Api.ExpectAsync(other, 201);
        Assert.False(other.Headers.Contains(Idempotency.ReplayedHeader));

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var later = await a.Http.SendAsync(Post("/v1/commissions", $"{{\"affiliate_id\":{affiliateA},\"amount\":10.00}}", "shared"));
        await Api.ExpectAsync(later, 201);
        Assert.False(later.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal("20.00", Api.Raw((await a.GetAsync($"/v1/affiliates/{affiliateA}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task A_request_while_the_first_with_its_key_still_runs_is_409_in_use()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var body = $"{{\"affiliate_id\":{affiliate},\"amount\":10.00}}";
        // The first request's claim, as it stands while that request runs (claimed, no answer yet).
        await using (var db = app.Db(t.ProgramId))
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            db.IdempotencyKeys.Add(new IdempotencyKey
            {
                ProgramId = t.ProgramId, Key = "running", Fingerprint = IdempotencyStore.Fingerprint("POST", "/v1/commissions", Encoding.UTF8.GetBytes(body)),
                CreatedAt = now, ExpiresAt = now.AddHours(24),
            });
            await db.SaveChangesAsync();
        }

        await Api.ErrorAsync(await t.Http.SendAsync(Post("/v1/commissions", body, "running")), 409, Idempotency.KeyInUse);
        Assert.Equal("0.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task A_malformed_key_is_422_and_changes_nothing()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var error = await Api.ErrorAsync(await t.Http.SendAsync(Post("/v1/commissions", $"{{\"affiliate_id\":{affiliate},\"amount\":10.00}}", new string('k', 256))), 422, "VALIDATION_ERROR");
        Assert.Equal(Idempotency.Header, error["details"]![0]!["field"]!.GetValue<string>());
        Assert.Equal("0.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task Ten_concurrent_requests_with_one_key_have_one_effect()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        await t.CommissionAsync(affiliate, 100m);
        var body = $"{{\"affiliate_id\":{affiliate},\"amount\":7.00,\"description\":\"bonus\"}}";
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return await client.SendAsync(Post("/v1/commissions", body, "once"));
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created, r => !r.Headers.Contains(Idempotency.ReplayedHeader));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            await Api.ErrorAsync(conflict, 409, Idempotency.KeyInUse);
        Assert.Single((await Task.WhenAll(created.Select(r => r.Content.ReadAsStringAsync()))).Distinct());
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(2, await db.Commissions.CountAsync());
        Assert.Equal(1, await db.Commissions.CountAsync(c => c.AmountMinor == 700));
        Assert.Equal("107.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }
}
