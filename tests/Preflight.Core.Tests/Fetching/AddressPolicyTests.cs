using System.Net;
using Preflight.Core.Fetching;

namespace Preflight.Core.Tests.Fetching;

public sealed class AddressPolicyTests
{
    [Theory]
    // IPv4
    [InlineData("0.0.0.0", AddressClass.Unspecified)]
    [InlineData("0.1.2.3", AddressClass.ThisNetwork)]
    [InlineData("0.255.255.255", AddressClass.ThisNetwork)]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.255.254", AddressClass.Loopback)]
    [InlineData("10.0.0.1", AddressClass.Private)]
    [InlineData("10.255.255.255", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("192.168.1.1", AddressClass.Private)]
    [InlineData("169.254.0.1", AddressClass.LinkLocal)]
    [InlineData("169.254.170.2", AddressClass.LinkLocal)]
    [InlineData("169.254.169.254", AddressClass.CloudMetadata)]
    [InlineData("100.64.0.1", AddressClass.SharedAddressSpace)]
    [InlineData("100.127.255.255", AddressClass.SharedAddressSpace)]
    [InlineData("100.100.100.200", AddressClass.SharedAddressSpace)]
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("239.255.255.250", AddressClass.Multicast)]
    [InlineData("255.255.255.255", AddressClass.Broadcast)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    [InlineData("254.1.2.3", AddressClass.Reserved)]
    [InlineData("192.0.0.8", AddressClass.Reserved)]
    [InlineData("192.88.99.1", AddressClass.Reserved)]
    [InlineData("198.18.0.1", AddressClass.Benchmarking)]
    [InlineData("198.19.255.255", AddressClass.Benchmarking)]
    [InlineData("192.0.2.1", AddressClass.Documentation)]
    [InlineData("198.51.100.7", AddressClass.Documentation)]
    [InlineData("203.0.113.9", AddressClass.Documentation)]
    // IPv4 neighbours of blocked ranges are public
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("1.1.1.1", AddressClass.Public)]
    [InlineData("9.255.255.255", AddressClass.Public)]
    [InlineData("11.0.0.0", AddressClass.Public)]
    [InlineData("100.63.255.255", AddressClass.Public)]
    [InlineData("100.128.0.0", AddressClass.Public)]
    [InlineData("126.255.255.255", AddressClass.Public)]
    [InlineData("128.0.0.0", AddressClass.Public)]
    [InlineData("172.15.255.255", AddressClass.Public)]
    [InlineData("172.32.0.0", AddressClass.Public)]
    [InlineData("192.167.255.255", AddressClass.Public)]
    [InlineData("198.17.255.255", AddressClass.Public)]
    [InlineData("198.20.0.0", AddressClass.Public)]
    [InlineData("223.255.255.255", AddressClass.Public)]
    // IPv6
    [InlineData("::", AddressClass.Unspecified)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("fc00::1", AddressClass.UniqueLocal)]
    [InlineData("fd00::1", AddressClass.UniqueLocal)]
    [InlineData("fd00:ec2::254", AddressClass.CloudMetadata)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("febf:ffff::1", AddressClass.LinkLocal)]
    [InlineData("fec0::1", AddressClass.Reserved)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("ff05::1:3", AddressClass.Multicast)]
    [InlineData("2001:db8::1", AddressClass.Documentation)]
    [InlineData("3fff::1", AddressClass.Documentation)]
    [InlineData("2001:2::1", AddressClass.Benchmarking)]
    [InlineData("2001::1", AddressClass.Reserved)] // Teredo
    [InlineData("2001:10::1", AddressClass.Reserved)] // ORCHID
    [InlineData("100::1", AddressClass.Reserved)]
    [InlineData("4000::1", AddressClass.Reserved)]
    [InlineData("2606:4700::1", AddressClass.Public)]
    [InlineData("2001:4860:4860::8888", AddressClass.Public)]
    [InlineData("2a00:1450:4001::1", AddressClass.Public)]
    // IPv4-mapped: judged by the IPv4 address
    [InlineData("::ffff:127.0.0.1", AddressClass.Loopback)]
    [InlineData("::ffff:7f00:1", AddressClass.Loopback)]
    [InlineData("::ffff:10.0.0.1", AddressClass.Private)]
    [InlineData("::ffff:169.254.169.254", AddressClass.CloudMetadata)]
    [InlineData("::ffff:0.0.0.0", AddressClass.Unspecified)]
    [InlineData("::ffff:8.8.8.8", AddressClass.Public)]
    // IPv4-compatible (deprecated): the embedded address's class, else reserved
    [InlineData("::127.0.0.1", AddressClass.Loopback)]
    [InlineData("::10.0.0.1", AddressClass.Private)]
    [InlineData("::169.254.169.254", AddressClass.CloudMetadata)]
    [InlineData("::8.8.8.8", AddressClass.Reserved)]
    [InlineData("::ffff:0:127.0.0.1", AddressClass.Loopback)] // IPv4-translated
    // NAT64 well-known prefix: the embedded IPv4 address decides
    [InlineData("64:ff9b::127.0.0.1", AddressClass.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressClass.CloudMetadata)]
    [InlineData("64:ff9b::10.1.2.3", AddressClass.Private)]
    [InlineData("64:ff9b::8.8.8.8", AddressClass.Public)]
    [InlineData("64:ff9b:1::8.8.8.8", AddressClass.Private)]
    [InlineData("64:ff9b:1::127.0.0.1", AddressClass.Loopback)]
    // 6to4: the embedded IPv4 address decides
    [InlineData("2002:7f00:1::1", AddressClass.Loopback)]
    [InlineData("2002:a00:1::", AddressClass.Private)]
    [InlineData("2002:a9fe:a9fe::1", AddressClass.CloudMetadata)]
    [InlineData("2002:c0a8:101::1", AddressClass.Private)]
    [InlineData("2002:808:808::1", AddressClass.Public)]
    public void Classify_Address_ReturnsItsRange(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressPolicy.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("fd00::1")]
    public void IsBlocked_LoopbackOrPrivate_BlockedUnlessPrivateNetworksAllowed(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.True(AddressPolicy.IsBlocked(ip));
        Assert.False(AddressPolicy.IsBlocked(ip, allowPrivateNetworks: true));
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("169.254.1.1")]
    [InlineData("fe80::1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    [InlineData("255.255.255.255")]
    [InlineData("240.0.0.1")]
    [InlineData("198.18.0.1")]
    [InlineData("192.0.2.1")]
    public void IsBlocked_MetadataLinkLocalAndReserved_BlockedEvenWhenPrivateNetworksAllowed(string address)
    {
        Assert.True(AddressPolicy.IsBlocked(IPAddress.Parse(address), allowPrivateNetworks: true));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("2002:808:808::1")]
    public void IsBlocked_PublicAddress_NotBlocked(string address)
    {
        Assert.False(AddressPolicy.IsBlocked(IPAddress.Parse(address)));
    }

    [Fact]
    public void Describe_EveryClass_HasWording()
    {
        foreach (var addressClass in Enum.GetValues<AddressClass>())
            Assert.False(string.IsNullOrWhiteSpace(AddressPolicy.Describe(addressClass)));
        Assert.Contains("metadata", AddressPolicy.Describe(AddressClass.CloudMetadata));
    }
}
