using System.Text;

namespace Preflight.Core.Fetching;

/// <summary>Recognises a web page from its first bytes, whatever the server's Content-Type says.</summary>
internal static class HtmlPrefix
{
    private static readonly string[] Openers = ["<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<script"];

    public static bool Looks(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..]; // UTF-8 BOM
        var text = Encoding.ASCII.GetString(bytes).TrimStart().ToLowerInvariant();
        foreach (var opener in Openers)
        {
            if (text.StartsWith(opener, StringComparison.Ordinal)) return true;
        }
        // Pages that open with a comment: look for the page's own start tag within the prefix.
        return text.StartsWith("<!--", StringComparison.Ordinal)
            && (text.Contains("<!doctype html", StringComparison.Ordinal) || text.Contains("<html", StringComparison.Ordinal));
    }
}
