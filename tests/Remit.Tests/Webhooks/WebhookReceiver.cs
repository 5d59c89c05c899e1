using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Remit.Tests.Webhooks;

public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
    public string Type => Json["type"]!.GetValue<string>();
}

/// <summary>
/// A merchant's receiver: a real HTTP listener (Kestrel on 127.0.0.1) that records each webhook and answers with the
/// statuses it is told to, then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();
    public ConcurrentQueue<int> Answers { get; } = new();
    /// <summary>How long each answer waits after the webhook is recorded: a slow receiver.</summary>
    public TimeSpan Delay { get; set; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/hook";

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            receiver!.Received.Enqueue(new ReceivedWebhook(http.Request.Headers["webhook-id"].ToString(),
                http.Request.Headers["webhook-timestamp"].ToString(), http.Request.Headers["webhook-signature"].ToString(), body));
            if (receiver.Delay > TimeSpan.Zero) await Task.Delay(receiver.Delay);
            return Results.StatusCode(receiver.Answers.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver = new WebhookReceiver(app, new Uri(address).Port);
        return receiver;
    }

    /// <summary>Waits (real time, bounded) until the receiver holds at least <paramref name="count"/> webhooks matching.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, Func<ReceivedWebhook, bool>? match = null, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var got = Received.Where(match ?? (_ => true)).ToList();
            if (got.Count >= count) return got;
            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} webhooks, got {got.Count}: {string.Join(", ", Received.Select(r => r.Type))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// A receiver's own check of a Standard Webhooks signature, written from the specification (not Remit's code nor the
/// package Remit signs with): HMAC-SHA256 over "id.timestamp.body" with the base64 key after "whsec_", compared with
/// each "v1,…" in the header.
/// </summary>
public static class IndependentVerifier
{
    public static bool Verifies(string secret, ReceivedWebhook webhook)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Timestamp}.{webhook.Body}"));
        return webhook.Signature.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
    }
}
