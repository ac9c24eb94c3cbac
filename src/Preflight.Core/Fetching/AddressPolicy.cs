using System.Buffers.Binary;
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
    // fd00:ec2::254 is AWS's IPv6 metadata endpoint; it sits inside fc00::/7 but must stay blocked
    // even when private networks are allowed.
    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

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

    private static AddressClass ClassifyV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        var value = BinaryPrimitives.ReadUInt32BigEndian(b);
        return ClassifyV4(value);
    }

    private static AddressClass ClassifyV4(uint v)
    {
        if (v == 0) return AddressClass.Unspecified;
        if (v == 0xFFFFFFFF) return AddressClass.Broadcast;
        if (v == 0xA9FEA9FE) return AddressClass.CloudMetadata; // 169.254.169.254
        if (In(v, 0x00000000, 8)) return AddressClass.ThisNetwork;
        if (In(v, 0x0A000000, 8)) return AddressClass.Private;
        if (In(v, 0x64400000, 10)) return AddressClass.SharedAddressSpace;
        if (In(v, 0x7F000000, 8)) return AddressClass.Loopback;
        if (In(v, 0xA9FE0000, 16)) return AddressClass.LinkLocal;
        if (In(v, 0xAC100000, 12)) return AddressClass.Private;
        if (In(v, 0xC0000200, 24) || In(v, 0xC6336400, 24) || In(v, 0xCB007100, 24)) return AddressClass.Documentation;
        if (In(v, 0xC0000000, 24)) return AddressClass.Reserved;    // 192.0.0.0/24 IETF protocol assignments
        if (In(v, 0xC0586300, 24)) return AddressClass.Reserved;    // 192.88.99.0/24 deprecated 6to4 relay
        if (In(v, 0xC0A80000, 16)) return AddressClass.Private;
        if (In(v, 0xC6120000, 15)) return AddressClass.Benchmarking;
        if (In(v, 0xE0000000, 4)) return AddressClass.Multicast;
        if (In(v, 0xF0000000, 4)) return AddressClass.Reserved;
        return AddressClass.Public;
    }

    private static AddressClass ClassifyV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var hi = BinaryPrimitives.ReadUInt64BigEndian(b);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);

        if (hi == 0 && lo == 0) return AddressClass.Unspecified;
        if (hi == 0 && lo == 1) return AddressClass.Loopback;
        if (address.Equals(AwsMetadataV6)) return AddressClass.CloudMetadata;

        // 64:ff9b::/96 (NAT64 well-known prefix): the gateway connects to the embedded IPv4 address.
        if (hi == 0x0064FF9B00000000 && (lo >> 32) == 0)
            return ClassifyV4((uint)lo);
        // 64:ff9b:1::/48 (local-use NAT64): translated inside the local network.
        if ((hi >> 16) == 0x0064FF9B0001) return Embedded(b[12..], AddressClass.Private);

        // 2002::/16 (6to4): the relay tunnels to the IPv4 address in bits 16..47.
        if ((hi >> 48) == 0x2002)
            return ClassifyV4(BinaryPrimitives.ReadUInt32BigEndian(b[2..]));

        // The rest of ::/8 holds the IPv4-compatible (::a.b.c.d) and IPv4-translated forms: deprecated, never a
        // real destination, but an embedded blocked address is reported as what it is.
        if (b[0] == 0) return Embedded(b[12..], AddressClass.Reserved);

        if ((hi >> 32) == 0x20010DB8) return AddressClass.Documentation;         // 2001:db8::/32
        if ((hi >> 44) == 0x3FFF0) return AddressClass.Documentation;            // 3fff::/20
        if ((hi >> 16) == 0x200100020000) return AddressClass.Benchmarking;      // 2001:2::/48
        if ((hi >> 41) == (0x2001UL << 7)) return AddressClass.Reserved;        // 2001::/23 (Teredo, ORCHID, …)
        if (hi == 0x0100000000000000) return AddressClass.Reserved;              // 100::/64 discard-only
        if ((b[0] & 0xFE) == 0xFC) return AddressClass.UniqueLocal;             // fc00::/7
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass.LinkLocal; // fe80::/10
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressClass.Reserved;  // fec0::/10 deprecated site-local
        if (b[0] == 0xFF) return AddressClass.Multicast;                          // ff00::/8
        // Only 2000::/3 is allocated as global unicast.
        return (b[0] & 0xE0) == 0x20 ? AddressClass.Public : AddressClass.Reserved;
    }

    private static AddressClass Embedded(ReadOnlySpan<byte> v4, AddressClass whenPublic)
    {
        var embedded = ClassifyV4(BinaryPrimitives.ReadUInt32BigEndian(v4));
        return embedded == AddressClass.Public ? whenPublic : embedded;
    }

    private static bool In(uint value, uint network, int prefixLength)
    {
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        return (value & mask) == network;
    }
}
