using System.Net;
using System.Net.Sockets;

namespace Preflight.Core.Fetching;

/// <summary>What kind of network an IP address belongs to, as far as fetching a URL is concerned.</summary>
public enum AddressClass
{
    /// <summary>A globally routable address: the only kind a public URL may lead to.</summary>
    Public,
    /// <summary>0.0.0.0 or ::, which Linux connects to the local host.</summary>
    Unspecified,
    /// <summary>0.0.0.0/8 ("this network").</summary>
    ThisNetwork,
    /// <summary>127.0.0.0/8, ::1.</summary>
    Loopback,
    /// <summary>10/8, 172.16/12, 192.168/16 (RFC 1918).</summary>
    Private,
    /// <summary>fc00::/7 (IPv6 unique local, the IPv6 private networks).</summary>
    UniqueLocal,
    /// <summary>100.64.0.0/10 (carrier-grade NAT, RFC 6598).</summary>
    SharedAddressSpace,
    /// <summary>169.254/16, fe80::/10.</summary>
    LinkLocal,
    /// <summary>A cloud instance-metadata endpoint (169.254.169.254, fd00:ec2::254): never fetchable.</summary>
    CloudMetadata,
    /// <summary>224/4, ff00::/8.</summary>
    Multicast,
    /// <summary>255.255.255.255.</summary>
    Broadcast,
    /// <summary>198.18/15, 2001:2::/48 (RFC 2544 benchmarking).</summary>
    Benchmarking,
    /// <summary>192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.</summary>
    Documentation,
    /// <summary>240/4, IETF protocol ranges, deprecated IPv6 forms and everything outside 2000::/3.</summary>
    Reserved,
}

/// <summary>
/// Classifies IP addresses so the fetcher can refuse anything that is not a public destination.
/// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that IPv4 address.
/// </summary>
public static class AddressPolicy
{
    // First match wins: the single addresses come before the ranges that contain them.
    private static readonly (IPNetwork Network, AddressClass Class)[] V4Ranges =
    [
        (Net("0.0.0.0/32"), AddressClass.Unspecified),
        (Net("255.255.255.255/32"), AddressClass.Broadcast),
        (Net("169.254.169.254/32"), AddressClass.CloudMetadata),
        (Net("0.0.0.0/8"), AddressClass.ThisNetwork),
        (Net("10.0.0.0/8"), AddressClass.Private),
        (Net("100.64.0.0/10"), AddressClass.SharedAddressSpace),
        (Net("127.0.0.0/8"), AddressClass.Loopback),
        (Net("169.254.0.0/16"), AddressClass.LinkLocal),
        (Net("172.16.0.0/12"), AddressClass.Private),
        (Net("192.0.2.0/24"), AddressClass.Documentation),
        (Net("198.51.100.0/24"), AddressClass.Documentation),
        (Net("203.0.113.0/24"), AddressClass.Documentation),
        (Net("192.0.0.0/24"), AddressClass.Reserved),      // IETF protocol assignments
        (Net("192.88.99.0/24"), AddressClass.Reserved),    // deprecated 6to4 relay anycast
        (Net("192.168.0.0/16"), AddressClass.Private),
        (Net("198.18.0.0/15"), AddressClass.Benchmarking),
        (Net("224.0.0.0/4"), AddressClass.Multicast),
        (Net("240.0.0.0/4"), AddressClass.Reserved),
    ];

    // IPv6 ranges judged after the forms that embed an IPv4 address (see ClassifyV6).
    private static readonly (IPNetwork Network, AddressClass Class)[] V6Ranges =
    [
        (Net("2001:db8::/32"), AddressClass.Documentation),
        (Net("3fff::/20"), AddressClass.Documentation),
        (Net("2001:2::/48"), AddressClass.Benchmarking),
        (Net("2001::/23"), AddressClass.Reserved),        // Teredo, ORCHID, other IETF protocol assignments
        (Net("100::/64"), AddressClass.Reserved),         // discard-only
        (Net("fc00::/7"), AddressClass.UniqueLocal),
        (Net("fe80::/10"), AddressClass.LinkLocal),
        (Net("fec0::/10"), AddressClass.Reserved),        // deprecated site-local
        (Net("ff00::/8"), AddressClass.Multicast),
        (Net("2000::/3"), AddressClass.Public),           // the only range allocated as global unicast
    ];

    private static readonly IPNetwork V6Unspecified = Net("::/128");
    private static readonly IPNetwork V6Loopback = Net("::1/128");
    // fd00:ec2::254 is AWS's IPv6 metadata endpoint; it sits inside fc00::/7 but must stay blocked
    // even when private networks are allowed.
    private static readonly IPNetwork AwsMetadataV6 = Net("fd00:ec2::254/128");
    // 64:ff9b::/96 (NAT64 well-known prefix): the gateway connects to the embedded IPv4 address.
    private static readonly IPNetwork Nat64 = Net("64:ff9b::/96");
    // 64:ff9b:1::/48 (local-use NAT64): translated inside the local network.
    private static readonly IPNetwork Nat64LocalUse = Net("64:ff9b:1::/48");
    // 2002::/16 (6to4): the relay tunnels to the IPv4 address in bits 16..47.
    private static readonly IPNetwork SixToFour = Net("2002::/16");
    // The rest of ::/8 holds the IPv4-compatible (::a.b.c.d) and IPv4-translated forms.
    private static readonly IPNetwork V4Embedding = Net("::/8");

    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) return ClassifyV4(address.MapToIPv4());
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(address),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => AddressClass.Reserved,
        };
    }

    /// <summary>
    /// True when a URL must not lead to <paramref name="address"/>. <paramref name="allowPrivateNetworks"/>
    /// (tests, local setups) lets loopback and private ranges through; metadata, link-local, multicast,
    /// unspecified and reserved addresses stay blocked regardless.
    /// </summary>
    public static bool IsBlocked(IPAddress address, bool allowPrivateNetworks = false) =>
        IsBlocked(Classify(address), allowPrivateNetworks);

    public static bool IsBlocked(AddressClass addressClass, bool allowPrivateNetworks = false) => addressClass switch
    {
        AddressClass.Public => false,
        AddressClass.Loopback or AddressClass.Private or AddressClass.UniqueLocal => !allowPrivateNetworks,
        _ => true,
    };

    /// <summary>Human wording for messages: "a loopback address (127.0.0.0/8, ::1)".</summary>
    public static string Describe(AddressClass addressClass) => addressClass switch
    {
        AddressClass.Public => "a public address",
        AddressClass.Unspecified => "the unspecified address (0.0.0.0 / ::), which reaches the local host",
        AddressClass.ThisNetwork => "a 'this network' address (0.0.0.0/8)",
        AddressClass.Loopback => "a loopback address (127.0.0.0/8, ::1)",
        AddressClass.Private => "a private network address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
        AddressClass.UniqueLocal => "an IPv6 unique-local (private) address (fc00::/7)",
        AddressClass.SharedAddressSpace => "a carrier-grade NAT address (100.64.0.0/10)",
        AddressClass.LinkLocal => "a link-local address (169.254.0.0/16, fe80::/10)",
        AddressClass.CloudMetadata => "a cloud instance-metadata address",
        AddressClass.Multicast => "a multicast address",
        AddressClass.Broadcast => "the broadcast address",
        AddressClass.Benchmarking => "a benchmarking address (198.18.0.0/15)",
        AddressClass.Documentation => "a documentation-only address",
        _ => "a reserved address",
    };

    private static AddressClass ClassifyV4(IPAddress address) => Lookup(V4Ranges, address) ?? AddressClass.Public;

    private static AddressClass ClassifyV6(IPAddress address)
    {
        if (V6Unspecified.Contains(address)) return AddressClass.Unspecified;
        if (V6Loopback.Contains(address)) return AddressClass.Loopback;
        if (AwsMetadataV6.Contains(address)) return AddressClass.CloudMetadata;

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (Nat64.Contains(address)) return ClassifyV4(new IPAddress(b[12..]));
        if (Nat64LocalUse.Contains(address)) return Embedded(b[12..], AddressClass.Private);
        if (SixToFour.Contains(address)) return ClassifyV4(new IPAddress(b[2..6]));
        // Deprecated, never a real destination, but an embedded blocked address is reported as what it is.
        if (V4Embedding.Contains(address)) return Embedded(b[12..], AddressClass.Reserved);

        return Lookup(V6Ranges, address) ?? AddressClass.Reserved;
    }

    private static AddressClass Embedded(ReadOnlySpan<byte> v4, AddressClass whenPublic)
    {
        var embedded = ClassifyV4(new IPAddress(v4));
        return embedded == AddressClass.Public ? whenPublic : embedded;
    }

    private static AddressClass? Lookup((IPNetwork Network, AddressClass Class)[] ranges, IPAddress address)
    {
        foreach (var (network, addressClass) in ranges)
            if (network.Contains(address)) return addressClass;
        return null;
    }

    private static IPNetwork Net(string cidr) => IPNetwork.Parse(cidr);
}
