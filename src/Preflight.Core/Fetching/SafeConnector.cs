using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Preflight.Core.Fetching;

/// <summary>Resolves a host name to its addresses. The default is <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>.</summary>
public delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

/// <summary>Decides whether one resolved address may be connected to (tests replace the policy per hop).</summary>
internal delegate bool AddressGate(DnsEndPoint endpoint, IPAddress address, AddressClass addressClass);

/// <summary>Opens the TCP connection to already vetted addresses (tests replace it to prove it is never reached).</summary>
internal delegate ValueTask<Stream> Connector(IPAddress[] addresses, int port, CancellationToken cancellationToken);

/// <summary>A connection was refused because the host leads to an address that is not public.</summary>
internal sealed class AddressBlockedException(string host, IPAddress address, AddressClass addressClass)
    : Exception($"'{host}' resolves to {address} ({addressClass}), which is blocked.")
{
    public string Host { get; } = host;
    public IPAddress Address { get; } = address;
    public AddressClass AddressClass { get; } = addressClass;
}

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/>: the destination is decided here, at connect time, on the
/// addresses actually connected to, so odd host spellings, DNS rebinding and redirects all meet the same check.
/// </summary>
internal sealed class SafeConnector(HostResolver resolver, AddressGate gate, Connector connector)
{
    public static HostResolver SystemResolver { get; } = (host, ct) => Dns.GetHostAddressesAsync(host, ct);

    public static AddressGate PolicyGate(bool allowPrivateNetworks) =>
        (_, _, addressClass) => !AddressPolicy.IsBlocked(addressClass, allowPrivateNetworks);

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await ResolveAsync(endpoint.Host, cancellationToken);

        // One blocked address blocks the host: a name that resolves to both a public and an internal
        // address is a rebinding setup, whichever address the connection would have picked.
        foreach (var address in addresses)
        {
            var addressClass = AddressPolicy.Classify(address);
            if (!gate(endpoint, address, addressClass))
                throw new AddressBlockedException(endpoint.Host, address, addressClass);
        }

        return await connector(addresses, endpoint.Port, cancellationToken);
    }

    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var name = host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        if (IPAddress.TryParse(name, out var literal)) return [literal];

        var bare = name.TrimEnd('.');
        if (IPAddress.TryParse(bare, out literal)) return [literal];

        // Numeric-looking names that are not valid addresses ("999.1.1.1") must not reach the system
        // resolver, which may interpret them its own way or send them to a DNS server.
        if (bare.Length == 0 || name.Contains(':') || IsNumericLooking(bare))
            throw new SocketException((int)SocketError.HostNotFound);

        var addresses = await resolver(bare, cancellationToken);
        return addresses is { Length: > 0 } ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }

    public static async ValueTask<Stream> ConnectSocketAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        // Dual-mode where IPv6 exists, so IPv4 and IPv6 addresses both connect through the same socket type.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsNumericLooking(string name)
    {
        foreach (var label in name.Split('.'))
        {
            var digits = label.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? label[2..] : label;
            var hex = digits.Length != label.Length;
            if (digits.Length == 0 && !hex) return false;
            foreach (var c in digits)
            {
                if (!(char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c)))) return false;
            }
        }
        return true;
    }
}
