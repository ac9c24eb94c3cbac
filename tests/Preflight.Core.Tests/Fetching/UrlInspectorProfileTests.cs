using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Preflight.Core.Fetching;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>The profile's URL rules, applied by the URL inspector over a real loopback server.</summary>
public sealed class UrlInspectorProfileTests : IDisposable
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    private readonly TempDir _temp = new();
    private readonly UrlFetcher _fetcher = new(FetchTestKit.LoopbackAllowed());

    public void Dispose()
    {
        _fetcher.Dispose();
        _temp.Dispose();
    }

    /// <summary>Runway's rules, minus HTTPS and host-name (a loopback test server has neither).</summary>
    private Profile RunwayOnLoopback()
    {
        var file = _temp.File("runway-loopback.json");
        File.WriteAllText(file, """{ "extends": "runway", "name": "runway-loopback", "url": { "httpsOnly": null, "hostMustBeName": null } }""");
        return ProfileCatalog.BuiltIn.Resolve(file);
    }

    private static Task<FileReport> Pass(InspectionRequest request, InspectionOptions options, CancellationToken ct) =>
        Task.FromResult(new FileReport { Path = request.DisplayPath, Kind = AssetKind.Image, Verdict = Verdict.Pass, Findings = [] });

    private async Task<string[]> CodesFor(Profile profile, Uri url)
    {
        var inspector = new UrlInspector(_fetcher, Profile.HeyGen);
        var report = await inspector.InspectAsync(url.ToString(), null, new InspectionOptions { Profile = profile }, _temp.Path, Pass, null, CancellationToken.None);
        return report.Findings.Select(f => f.Code).ToArray();
    }

    private static Task<LoopbackHttpServer> Server() => LoopbackHttpServer.StartAsync(routes =>
    {
        routes.MapMethods("/ok.png", ["GET", "HEAD"], LoopbackResponses.Bytes(Png, "image/png"));
        routes.MapGet("/get-only.png", LoopbackResponses.Bytes(Png, "image/png"));
        routes.MapMethods("/octet.png", ["GET", "HEAD"], LoopbackResponses.Bytes(Png, "application/octet-stream"));
        routes.MapMethods("/old.png", ["GET", "HEAD"], LoopbackResponses.Redirect("/ok.png"));
    });

    [Fact]
    public async Task RunwayRules_GoodUrl_NoUrlFindings()
    {
        await using var server = await Server();
        Assert.Empty(await CodesFor(RunwayOnLoopback(), server.Url("/ok.png")));
    }

    [Fact]
    public async Task RunwayRules_Redirect_IsAnError()
    {
        await using var server = await Server();
        Assert.Contains(FindingCodes.UrlRedirected, await CodesFor(RunwayOnLoopback(), server.Url("/old.png")));
    }

    [Fact]
    public async Task RunwayRules_NoHeadSupport_IsAnError()
    {
        await using var server = await Server();
        Assert.Contains(FindingCodes.UrlHeadFailed, await CodesFor(RunwayOnLoopback(), server.Url("/get-only.png")));
    }

    [Fact]
    public async Task RunwayRules_OctetStream_IsAnError()
    {
        await using var server = await Server();
        Assert.Contains(FindingCodes.UrlGenericContentType, await CodesFor(RunwayOnLoopback(), server.Url("/octet.png")));
    }

    [Fact]
    public async Task RunwayRules_HttpAndIpHost_AreErrors()
    {
        await using var server = await Server();
        var codes = await CodesFor(ProfileCatalog.BuiltIn.Get("runway"), server.Url("/ok.png"));
        Assert.Contains(FindingCodes.UrlNotHttps, codes);
        Assert.Contains(FindingCodes.UrlHostIsIp, codes);
    }

    [Fact]
    public async Task HeyGen_SameUrls_NoNewFindings()
    {
        await using var server = await Server();
        foreach (var path in new[] { "/old.png", "/get-only.png", "/octet.png" })
        {
            var codes = await CodesFor(Profile.HeyGen, server.Url(path));
            Assert.DoesNotContain(codes, c => c is FindingCodes.UrlRedirected or FindingCodes.UrlHeadFailed or FindingCodes.UrlGenericContentType
                or FindingCodes.UrlNotHttps or FindingCodes.UrlHostIsIp);
        }
        Assert.DoesNotContain(server.Requests, r => r.Method == "HEAD");
    }
}
