using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Two-person approval: a batch whose total reaches approval_threshold cannot be sent, downloaded or completed
/// until someone other than its creator approves it; the audit trail names both. One host for the class, a program
/// per test.
/// </summary>
public sealed class BatchApprovalTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private static async Task SetThresholdAsync(Tenant t, object? threshold, int status = 200) =>
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new Dictionary<string, object?> { ["approval_threshold"] = threshold }), status);

    [Fact]
    public async Task A_batch_over_the_threshold_waits_for_a_second_token_and_its_creator_cannot_approve_it()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("basic");
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new { client_id = "approval-client", client_secret = "approval-paypal-secret-7c1", environment = "sandbox" }), 200);
        await SetThresholdAsync(t, 100m);
        var (_, first) = await t.PendingPayoutAsync(60m);
        var (_, second) = await t.PendingPayoutAsync(40m);
        var batch = (await t.BatchAsync("paypal", [first, second]))["data"]!;
        var id = batch["id"]!.GetValue<long>();
        Assert.True(batch["requires_approval"]!.GetValue<bool>());
        Assert.Null(batch["approved_at"]);

        await Api.ErrorAsync(await t.Http.GetAsync($"/v1/payout-batches/{id}/file"), 409, "APPROVAL_REQUIRED");
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/payout-batches/{id}/send", null), 409, "APPROVAL_REQUIRED");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payout-batches/{id}/complete", new { reference = "X" }), 409, "APPROVAL_REQUIRED");
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/payout-batches/{id}/approve", null), 403, "FORBIDDEN");
        Assert.Equal("processing", (await t.GetAsync($"/v1/payouts/{first}"))["data"]!["status"]!.GetValue<string>());
        // Raising the threshold afterwards does not release a batch that needed a second person.
        await SetThresholdAsync(t, 1000m);
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payout-batches/{id}/complete", new { reference = "X" }), 409, "APPROVAL_REQUIRED");

        var other = app.ClientWith(await app.TokenAsync(t.ProgramId, "payouts:write", "payouts:read"));
        var approved = (await Api.ExpectAsync(await other.PostAsync($"/v1/payout-batches/{id}/approve", null), 200))["data"]!;
        Assert.NotNull(approved["approved_at"]);
        Assert.Equal("scoped", approved["approved_by"]!.GetValue<string>());
        // Approving again changes nothing.
        await Api.ExpectAsync(await other.PostAsync($"/v1/payout-batches/{id}/approve", null), 200);

        var file = await t.Http.GetAsync($"/v1/payout-batches/{id}/file");
        Assert.Equal(200, (int)file.StatusCode);
        Assert.Contains("PAYPAL", await file.Content.ReadAsStringAsync());
        var done = (await t.PostAsync($"/v1/payout-batches/{id}/complete", new { reference = "UPLOAD-1" }))["data"]!;
        Assert.Equal("completed", done["status"]!.GetValue<string>());

        await using var db = app.Db(t.ProgramId);
        var trail = await db.AuditEvents.Where(e => e.EntityType == "batch" && e.EntityId == id).OrderBy(e => e.Id).ToListAsync();
        var created = trail.Single(e => e.Action == "batch.created");
        var approval = trail.Single(e => e.Action == "batch.approved");
        Assert.Equal("token", created.ActorType);
        Assert.Equal("token", approval.ActorType);
        Assert.NotEqual(created.ActorId, approval.ActorId);
        Assert.Equal("scoped", approval.ActorName);
    }

    [Fact]
    public async Task A_batch_under_the_threshold_or_with_approval_off_needs_no_approval()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync("nano");
        await SetThresholdAsync(t, 100m);
        var (_, small) = await t.PendingPayoutAsync(99.99m);
        var id = (await t.BatchAsync("paypal", [small]))["data"]!["id"]!.GetValue<long>();
        await Api.ErrorAsync(await app.ClientWith(await app.TokenAsync(t.ProgramId, "payouts:write")).PostAsync($"/v1/payout-batches/{id}/approve", null), 409, "INVALID_STATUS");
        await t.PostAsync($"/v1/payout-batches/{id}/complete", new { reference = "R" });

        await SetThresholdAsync(t, null);
        Assert.Null((await t.GetAsync("/v1/settings/payouts"))["data"]!["approval_threshold"]);
        var (_, large) = await t.PendingPayoutAsync(5000m);
        var off = (await t.BatchAsync("paypal", [large]))["data"]!;
        Assert.False(off["requires_approval"]!.GetValue<bool>());
        await t.PostAsync($"/v1/payout-batches/{off["id"]}/complete", new { reference = "R2" });
    }

    [Fact]
    public async Task The_threshold_is_a_payout_setting_checked_like_the_others()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        Assert.Null((await t.GetAsync("/v1/settings/payouts"))["data"]!["approval_threshold"]);
        await SetThresholdAsync(t, 2500.5m);
        Assert.Equal("2500.50", Api.Raw((await t.GetAsync("/v1/settings/payouts"))["data"]!["approval_threshold"]));
        await Api.ErrorAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { approval_threshold = "a lot" }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { approval_threshold = 0 }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { approval_threshold = 1.001m }), 422, "VALIDATION_ERROR");
        // A change of another setting keeps it.
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { hold_days = 3 }), 200);
        Assert.Equal("2500.50", Api.Raw((await t.GetAsync("/v1/settings/payouts"))["data"]!["approval_threshold"]));
    }
}
