using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Markup;

/// <summary>
/// XML, SVG and HTML. Skips the prolog (XML declaration, comments, processing instructions, DOCTYPE) to the root
/// element: an 'svg' root is SVG, anything else after '&lt;?xml' is XML, and HTML is recognised by its DOCTYPE or
/// by the tags the WHATWG MIME Sniffing standard lists as HTML openers.
/// </summary>
internal sealed class MarkupDetector : IFormatDetector
{
    // WHATWG MIME Sniffing, "identifying a resource with an unknown MIME type" (plus meta/link, common first tags).
    private static readonly HashSet<string> HtmlTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "html", "head", "body", "script", "title", "iframe", "h1", "div", "font", "table", "a", "style", "b", "br", "p",
        "meta", "link",
    };

    public SniffResult? Detect(SniffContext context)
    {
        var text = context.Text;
        var s = text.Value;
        var start = text.FirstNonWhitespace;
        if (start >= s.Length || s[start] != '<') return null;

        var pos = start;
        var xmlDeclaration = At(s, pos, "<?xml") && (pos + 5 >= s.Length || !IsNameChar(s[pos + 5]));
        var sawComment = false;
        string? doctype = null;
        var doctypeAt = -1;

        while (true)
        {
            while (pos < s.Length && TextHead.IsWhitespace(s[pos])) pos++;
            if (At(s, pos, "<!--"))
            {
                var end = s.IndexOf("-->", pos + 4, StringComparison.Ordinal);
                if (end < 0) break;
                sawComment = true;
                pos = end + 3;
            }
            else if (At(s, pos, "<?"))
            {
                var end = s.IndexOf("?>", pos + 2, StringComparison.Ordinal);
                if (end < 0) break;
                pos = end + 2;
            }
            else if (At(s, pos, "<!DOCTYPE"))
            {
                doctypeAt = pos;
                var nameAt = pos + 9;
                while (nameAt < s.Length && TextHead.IsWhitespace(s[nameAt])) nameAt++;
                doctype = ReadName(s, nameAt);
                var end = DoctypeEnd(s, pos);
                if (end < 0) break;
                pos = end + 1;
            }
            else
            {
                break;
            }
        }

        var root = pos < s.Length && s[pos] == '<' ? ReadName(s, pos + 1) : null;
        var localRoot = root is null ? null : root[(root.IndexOf(':') + 1)..];
        var rootAt = text.ByteOffsetOf(pos);
        var declared = xmlDeclaration ? $" after an '<?xml' declaration at offset {text.ByteOffsetOf(start)}" : "";

        if (string.Equals(localRoot, "svg", StringComparison.OrdinalIgnoreCase))
        {
            return Sniffed.As(KnownFormats.Svg, $"root element <{root}> at offset {rootAt}{declared}{text.BomPhrase}");
        }
        if (xmlDeclaration)
        {
            var rootPhrase = root is null ? "" : $", root element <{root}> at offset {rootAt}";
            return Sniffed.As(KnownFormats.Xml, $"'<?xml' declaration at offset {text.ByteOffsetOf(start)}{rootPhrase}{text.BomPhrase}");
        }
        if (string.Equals(doctype, "html", StringComparison.OrdinalIgnoreCase))
        {
            return Sniffed.As(KnownFormats.Html, $"'<!DOCTYPE html' at offset {text.ByteOffsetOf(doctypeAt)}{text.BomPhrase}");
        }
        if (root is not null && HtmlTags.Contains(root))
        {
            var afterComment = sawComment ? " after a comment" : "";
            return Sniffed.As(KnownFormats.Html, $"HTML tag <{root.ToLowerInvariant()}> at offset {rootAt}{afterComment}{text.BomPhrase}");
        }
        return null;
    }

    private static bool At(string s, int pos, string token) =>
        pos >= 0 && pos + token.Length <= s.Length && string.Compare(s, pos, token, 0, token.Length, StringComparison.OrdinalIgnoreCase) == 0;

    private static string? ReadName(string s, int pos)
    {
        var end = pos;
        while (end < s.Length && IsNameChar(s[end])) end++;
        if (end == pos || !char.IsLetter(s[pos]) && s[pos] != '_') return null;
        // A tag name ends at whitespace, '>' or '/': "<abbr" is not "<a", and "<html5ish" is not "<html".
        if (end < s.Length && !TextHead.IsWhitespace(s[end]) && s[end] != '>' && s[end] != '/') return null;
        return s[pos..end];
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ':';

    // A DOCTYPE may carry an internal subset in [...] that contains '>' characters of its own.
    private static int DoctypeEnd(string s, int pos)
    {
        var depth = 0;
        for (var i = pos; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '[': depth++; break;
                case ']': depth--; break;
                case '>' when depth <= 0: return i;
            }
        }
        return -1;
    }
}
