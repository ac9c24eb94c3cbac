using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Reports;

public sealed class ToolInfoTests
{
    [Fact]
    public void BuildVersion_IsTheAssemblyVersionTheBuildStamped()
    {
        // Directory.Build.props sets <Version>; the constant must follow it (a release bumps both).
        var stamped = typeof(ToolInfo).Assembly.GetName().Version!.ToString(3);

        Assert.Equal(ToolInfo.BuildVersion, stamped);
        Assert.Equal(stamped, ToolInfo.Current.Version);
    }
}
