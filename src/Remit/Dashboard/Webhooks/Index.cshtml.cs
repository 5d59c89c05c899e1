using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Security;
using Remit.Webhooks;

namespace Remit.Dashboard.Webhooks;

/// <summary>
/// Webhook endpoints: add (the secret shown once), edit, enable or disable, rotate the secret, delete; an endpoint's
/// delivery log with a replay per attempt. Every action is <see cref="WebhookEndpoints"/>, as the API's are.
/// </summary>
public sealed class IndexModel(RemitDb db, SecretBox secrets, WebhookSettings settings, TimeProvider clock) : DashboardPage
{
    public IReadOnlyList<WebhookEndpoint> Endpoints { get; private set; } = [];
    /// <summary>The endpoint whose delivery log is open (?endpoint=id), and its latest attempts.</summary>
    public WebhookEndpoint? Selected { get; private set; }
    public IReadOnlyList<WebhookAttemptDto> Attempts { get; private set; } = [];
    /// <summary>A secret just made (new endpoint or rotation): in this one answer and nowhere else.</summary>
    public string? NewSecret { get; private set; }
    public long? ProblemEndpoint { get; private set; }

    public async Task OnGetAsync(long? endpoint, CancellationToken ct) => await LoadAsync(endpoint, ct);

    public async Task<IActionResult> OnPostCreateAsync(string? url, string? description, string[] events, CancellationToken ct)
    {
        var outcome = await WebhookEndpoints.CreateAsync(db, secrets, settings, new WebhookEndpointChange(url, events, description), Actor, clock, ct);
        if (outcome.Error is { } problem)
        {
            Errors = problem.FieldErrors();
            Response.StatusCode = problem.Status();
        }
        else
        {
            NewSecret = outcome.Value!.Secret;
            Response.Headers.CacheControl = "no-store";
        }
        await LoadAsync(null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUpdateAsync(long id, string? url, string? description, string[] events, CancellationToken ct)
    {
        var outcome = await WebhookEndpoints.UpdateAsync(db, id, settings, new WebhookEndpointChange(url, events, description ?? ""), Actor, clock, ct);
        if (outcome.Error is { } problem)
        {
            Errors = problem.FieldErrors();
            ProblemEndpoint = id;
            Response.StatusCode = problem.Status();
            await LoadAsync(null, ct);
            return Page();
        }
        Flash = $"Webhook endpoint #{id} saved.";
        return LocalRedirect("/webhooks");
    }

    public async Task<IActionResult> OnPostEnableAsync(long id, bool enabled, CancellationToken ct)
    {
        var outcome = await WebhookEndpoints.UpdateAsync(db, id, settings, new WebhookEndpointChange(Enabled: enabled), Actor, clock, ct);
        if (outcome.Error is { } problem) FlashError = problem.Sentence();
        else Flash = enabled ? $"Webhook endpoint #{id} enabled: events waiting for it go out now." : $"Webhook endpoint #{id} disabled.";
        return LocalRedirect("/webhooks");
    }

    public async Task<IActionResult> OnPostRotateAsync(long id, CancellationToken ct)
    {
        var outcome = await WebhookEndpoints.RotateSecretAsync(db, secrets, id, Actor, clock, ct);
        if (outcome.Error is { } problem)
        {
            FlashError = problem.Sentence();
            return LocalRedirect("/webhooks");
        }
        NewSecret = outcome.Value!.Secret;
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        if (await WebhookEndpoints.DeleteAsync(db, id, Actor, clock, ct) is { } problem) FlashError = problem.Sentence();
        else Flash = $"Webhook endpoint #{id} deleted.";
        return LocalRedirect("/webhooks");
    }

    public async Task<IActionResult> OnPostReplayAsync(long attempt, long endpoint, CancellationToken ct)
    {
        var outcome = await WebhookEndpoints.ReplayAsync(db, attempt, Actor, clock, ct);
        if (outcome.Error is { } problem) FlashError = problem.Sentence();
        else Flash = $"{outcome.Value!.EventType} {outcome.Value.EventId} queued to be sent again.";
        return LocalRedirect($"/webhooks?endpoint={endpoint}");
    }

    private async Task LoadAsync(long? endpoint, CancellationToken ct)
    {
        Endpoints = await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.Id).ToListAsync(ct);
        Selected = Endpoints.FirstOrDefault(e => e.Id == endpoint);
        if (Selected is not null) Attempts = await WebhookEndpoints.Attempts(db, Selected.Id).Take(50).ToListAsync(ct);
    }
}
