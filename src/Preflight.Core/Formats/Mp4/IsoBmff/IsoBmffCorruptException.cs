
namespace Preflight.Core.Formats.Mp4.IsoBmff;

/// <summary>The box structure is broken. The message is shown to users as the <c>file.corrupt</c> finding.</summary>
internal sealed class IsoBmffCorruptException(string message) : Exception(message);
