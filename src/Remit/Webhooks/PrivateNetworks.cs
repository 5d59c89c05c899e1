using System.Net;
using System.Net.Sockets;

namespace Remit.Webhooks;

/// <summary>
/// Where a webhook may not go: loopback, private, link-local (cloud metadata at 169.254.169.254), shared, benchmark,
/// multicast and reserved addresses, in IPv4, IPv6 and IPv4-mapped IPv6 form. The URL's literal address is checked
/// when the endpoint is registered; every name is checked again on the address it resolves to when connecting.
/// </summary>
public static class PrivateNetworks
{
    private static readonly IPNetwork[] Blocked =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
    ];

    public static bool IsBlocked(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return Blocked.Any(n => n.Contains(address));
    }

    /// <summary>
    /// Connects only to an address the name resolved to that is not blocked (unless private networks are allowed), and
    /// to exactly that address: a name that resolves once to a public address and then to a private one (DNS
    /// rebinding) cannot slip through, because the check and the connection use the same answer.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        var allowed = allowPrivate ? addresses : [.. addresses.Where(a => !IsBlocked(a))];
        if (allowed.Length == 0)
            throw new HttpRequestException($"{endpoint.Host} resolves only to loopback, private, link-local or reserved addresses, which webhooks may not reach.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
