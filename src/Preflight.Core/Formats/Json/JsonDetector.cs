using System.Text;
using System.Text.Json;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Json;

/// <summary>
/// JSON: valid UTF-8 (RFC 8259 allows nothing else) that starts with '{' or '[' and is well-formed as far as the head
/// goes (the whole document when the head holds the whole file).
/// </summary>
internal sealed class JsonDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var text = context.Text;
        if (!text.IsValid) return null;
        var at = text.FirstNonWhitespace;
        if (at >= text.Value.Length || text.Value[at] is not ('{' or '[')) return null;

        var complete = context.HeadIsWholeFile;
        var utf8 = Encoding.UTF8.GetBytes(text.Value);
        var reader = new Utf8JsonReader(utf8, isFinalBlock: complete, new JsonReaderState(new JsonReaderOptions { MaxDepth = 512 }));
        try
        {
            var tokens = 0;
            while (reader.Read()) tokens++;
            if (tokens == 0) return null;
        }
        catch (JsonException)
        {
            return null;
        }

        var scope = complete ? "the whole file parses as JSON" : $"the first {context.Head.Length} bytes are well-formed JSON so far";
        return Sniffed.As(KnownFormats.Json, $"'{text.Value[at]}' at offset {text.ByteOffsetOf(at)} and {scope}{text.BomPhrase}");
    }
}
