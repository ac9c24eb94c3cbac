namespace Preflight.Cli;

/// <summary>The exit codes scripts rely on. A contract: never change their meaning.</summary>
public static class ExitCodes
{
    public const int Pass = 0;
    public const int Fail = 1;
    public const int UsageOrSetup = 2;
    public const int Cancelled = 130;
}
