using System.Text;
using System.Text.Json;

namespace Preflight.Core.Sniffing.Detectors;

/// <summary>
/// JSON: starts with '{' or '[' and the head is well-formed JSON as far as it goes (the whole document when the
/// head holds the whole file).
/// </summary>
internal sealed class JsonDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var text = context.Text;
        var at = text.FirstNonWhitespace;
        if (at >= text.Value.Length || text.Value[at] is not ('{' or '[')) return null;

        var complete = context.HeadIsWholeFile && text.IsValid;
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
