using Preflight.Core.Probing;
using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Probing;

internal static class ProbeAssert
{
    /// <summary>Exactly one finding: an error <c>file.corrupt</c>, whose message says <paramref name="messagePart"/>.</summary>
    public static void Corrupt(ProbeResult result, string? messagePart = null)
    {
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        Assert.Equal(Severity.Error, finding.Severity);
        if (messagePart is not null) Assert.Contains(messagePart, finding.Message);
    }
}
