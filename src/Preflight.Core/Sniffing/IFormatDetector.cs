namespace Preflight.Core.Sniffing;

/// <summary>Recognises one format (or one container family) from a <see cref="SniffContext"/>.</summary>
internal interface IFormatDetector
{
    /// <summary>
    /// A result when the bytes are this detector's format, or a definite <see cref="KnownFormats.Unknown"/>
    /// when the container is recognised but its contents are not; <c>null</c> lets the next detector try.
    /// </summary>
    SniffResult? Detect(SniffContext context);
}
