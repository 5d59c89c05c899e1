using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Remit.Tests.Infrastructure;

/// <summary>An SMTP server on a free loopback port that hands each message it receives to the test.</summary>
public sealed class SmtpListener : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Channel<MimeMessage> received = Channel.CreateUnbounded<MimeMessage>();
    private Task running = Task.CompletedTask;

    public int Port { get; private init; }

    public static async Task<SmtpListener> StartAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new SmtpListener { Port = port };
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var services = new ServiceProvider();
        services.Add(new Store(listener.received.Writer));
        listener.running = new SmtpServer.SmtpServer(options, services).StartAsync(listener.stop.Token);
        await WaitUntilListeningAsync(port);
        return listener;
    }

    private static async Task WaitUntilListeningAsync(int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    public async Task<MimeMessage> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await received.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next message if one arrives within <paramref name="wait"/> (real time), else null: to show that none came.</summary>
    public async Task<MimeMessage?> NextOrNoneAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running; }
        catch (OperationCanceledException) { }
        stop.Dispose();
    }

    private sealed class Store(ChannelWriter<MimeMessage> writer) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            await writer.WriteAsync(await MimeMessage.LoadAsync(stream, cancellationToken), cancellationToken);
            return SmtpResponse.Ok;
        }
    }
}
