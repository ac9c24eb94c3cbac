namespace Preflight.Staging;

/// <summary>Configuration section <c>Preflight:Staging</c> (env <c>Preflight__Staging__Xxx</c>).</summary>
public sealed class StagingOptions
{
    public const string Section = "Preflight:Staging";

    /// <summary>Any Azure Storage connection string (<c>UseDevelopmentStorage=true</c> or an Azurite endpoint locally). Empty = local folder store.</summary>
    public string? ConnectionString { get; set; }

    public string Container { get; set; } = "preflight-staged";

    /// <summary><c>public</c>: anonymous read of blobs (never container listing). <c>sas</c>: private container, read-only SAS URLs.</summary>
    public string Access { get; set; } = StagingAccess.Public;

    /// <summary>How long a SAS URL stays valid: long enough for a render queue.</summary>
    public TimeSpan SasTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Folder of the local store (when no connection string is set).</summary>
    public string LocalPath { get; set; } = "./.preflight/staged";

    /// <summary>Block size for blob uploads; larger files are sent as several blocks, committed at once.</summary>
    public int BlockSizeBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Retries of a failed storage request (SDK retry policy) before <c>staging.failed</c>.</summary>
    public int MaxRetries { get; set; } = 3;

    public bool UsesAzure => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>Returns the first configuration problem, or null.</summary>
    public string? Validate()
    {
        if (Access is not (StagingAccess.Public or StagingAccess.Sas))
            return $"Preflight:Staging:Access must be '{StagingAccess.Public}' or '{StagingAccess.Sas}', not '{Access}'.";
        if (string.IsNullOrWhiteSpace(Container) || Container.Length is < 3 or > 63 || Container.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            return $"Preflight:Staging:Container '{Container}' is not a valid container name (3-63 lower-case letters, digits, '-').";
        if (SasTtl <= TimeSpan.Zero || SasTtl > TimeSpan.FromDays(7))
            return "Preflight:Staging:SasTtl must be between 1 second and 7 days.";
        if (BlockSizeBytes is < 1024 or > 100 * 1024 * 1024)
            return "Preflight:Staging:BlockSizeBytes must be between 1 KiB and 100 MiB.";
        return null;
    }
}

public static class StagingAccess
{
    public const string Public = "public";
    public const string Sas = "sas";
}
