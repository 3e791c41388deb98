using System.Buffers.Binary;
using System.Text;

namespace Portico.Middlewares.ContentType;

/// <summary>
/// Go's <c>http.DetectContentType</c> (the WHATWG MIME sniffing algorithm): the first 512 bytes are checked against a
/// fixed list of signatures in order, ending with "text unless a binary byte appears"; the default is
/// <c>application/octet-stream</c>.
/// </summary>
internal static class ContentSniffer
{
    public const int SniffLength = 512;

    private const string Html = "text/html; charset=utf-8";

    private static readonly string[] s_htmlTags =
    [
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A", "<STYLE",
        "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
    ];

    // (pattern, mask or null for an exact prefix, skip leading white space, content type), in Go's order after the HTML tags.
    private static readonly (byte[] Pattern, byte[]? Mask, bool SkipWhiteSpace, string ContentType)[] s_signatures =
    [
        (B("<?xml"), B("\xFF\xFF\xFF\xFF\xFF"), true, "text/xml; charset=utf-8"),
        (B("%PDF-"), null, false, "application/pdf"),
        (B("%!PS-Adobe-"), null, false, "application/postscript"),
        (B("\xFE\xFF\x00\x00"), B("\xFF\xFF\x00\x00"), false, "text/plain; charset=utf-16be"),
        (B("\xFF\xFE\x00\x00"), B("\xFF\xFF\x00\x00"), false, "text/plain; charset=utf-16le"),
        (B("\xEF\xBB\xBF\x00"), B("\xFF\xFF\xFF\x00"), false, "text/plain; charset=utf-8"),
        (B("\x00\x00\x01\x00"), null, false, "image/x-icon"),
        (B("\x00\x00\x02\x00"), null, false, "image/x-icon"),
        (B("BM"), null, false, "image/bmp"),
        (B("GIF87a"), null, false, "image/gif"),
        (B("GIF89a"), null, false, "image/gif"),
        (B("RIFF\x00\x00\x00\x00WEBPVP"), B("\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF"), false, "image/webp"),
        (B("\x89PNG\x0D\x0A\x1A\x0A"), null, false, "image/png"),
        (B("\xFF\xD8\xFF"), null, false, "image/jpeg"),
        (B("FORM\0\0\0\0AIFF"), B("\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"), false, "audio/aiff"),
        (B("ID3"), B("\xFF\xFF\xFF"), false, "audio/mpeg"),
        (B("OggS\x00"), B("\xFF\xFF\xFF\xFF\xFF"), false, "application/ogg"),
        (B("MThd\x00\x00\x00\x06"), B("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"), false, "audio/midi"),
        (B("RIFF\0\0\0\0AVI "), B("\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"), false, "video/avi"),
        (B("RIFF\x00\x00\x00\x00WAVE"), B("\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"), false, "audio/wave"),
    ];

    // Checked after video/mp4, which needs code of its own.
    private static readonly (byte[] Pattern, byte[]? Mask, bool SkipWhiteSpace, string ContentType)[] s_afterMp4 =
    [
        (B("\x1A\x45\xDF\xA3"), null, false, "video/webm"),
        (B(new string('\0', 34) + "LP"), B(new string('\0', 34) + "\xFF\xFF"), false, "application/vnd.ms-fontobject"),
        (B("\x00\x01\x00\x00"), null, false, "font/ttf"),
        (B("OTTO"), null, false, "font/otf"),
        (B("ttcf"), null, false, "font/collection"),
        (B("wOFF"), null, false, "font/woff"),
        (B("wOF2"), null, false, "font/woff2"),
        (B("\x1F\x8B\x08"), null, false, "application/x-gzip"),
        (B("PK\x03\x04"), null, false, "application/zip"),
        (B("Rar!\x1A\x07\x00"), null, false, "application/x-rar-compressed"),
        (B("Rar!\x1A\x07\x01\x00"), null, false, "application/x-rar-compressed"),
        (B("\x00\x61\x73\x6D"), null, false, "application/wasm"),
    ];

    public static string Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length > SniffLength)
        {
            data = data[..SniffLength];
        }

        var firstNonWhiteSpace = 0;
        while (firstNonWhiteSpace < data.Length && IsWhiteSpace(data[firstNonWhiteSpace]))
        {
            firstNonWhiteSpace++;
        }

        foreach (var tag in s_htmlTags)
        {
            if (MatchesHtml(data[firstNonWhiteSpace..], tag))
            {
                return Html;
            }
        }

        return Match(s_signatures, data, firstNonWhiteSpace)
            ?? (IsMp4(data) ? "video/mp4" : null)
            ?? Match(s_afterMp4, data, firstNonWhiteSpace)
            ?? (IsText(data[firstNonWhiteSpace..]) ? "text/plain; charset=utf-8" : "application/octet-stream");
    }

    private static string? Match((byte[] Pattern, byte[]? Mask, bool SkipWhiteSpace, string ContentType)[] signatures, ReadOnlySpan<byte> data, int firstNonWhiteSpace)
    {
        foreach (var (pattern, mask, skip, contentType) in signatures)
        {
            var candidate = skip ? data[firstNonWhiteSpace..] : data;
            if (mask is null ? candidate.StartsWith(pattern) : MatchesMasked(candidate, pattern, mask))
            {
                return contentType;
            }
        }

        return null;
    }

    private static bool MatchesMasked(ReadOnlySpan<byte> data, byte[] pattern, byte[] mask)
    {
        if (data.Length < mask.Length)
        {
            return false;
        }

        for (var i = 0; i < mask.Length; i++)
        {
            if ((data[i] & mask[i]) != pattern[i])
            {
                return false;
            }
        }

        return true;
    }

    // A tag matches ignoring the case of its letters and must be followed by a space or '>'.
    private static bool MatchesHtml(ReadOnlySpan<byte> data, string tag)
    {
        if (data.Length < tag.Length + 1)
        {
            return false;
        }

        for (var i = 0; i < tag.Length; i++)
        {
            var b = data[i];
            if (tag[i] is >= 'A' and <= 'Z')
            {
                b &= 0xDF;
            }

            if (b != tag[i])
            {
                return false;
            }
        }

        return data[tag.Length] is (byte)' ' or (byte)'>';
    }

    private static bool IsMp4(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12)
        {
            return false;
        }

        var boxSize = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
        if (boxSize < 0 || data.Length < boxSize || boxSize % 4 != 0 || !data[4..8].SequenceEqual("ftyp"u8))
        {
            return false;
        }

        for (var start = 8; start < boxSize; start += 4)
        {
            if (start != 12 && data.Slice(start, 3).SequenceEqual("mp4"u8))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsText(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b <= 0x08 || b == 0x0B || b is >= 0x0E and <= 0x1A || b is >= 0x1C and <= 0x1F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWhiteSpace(byte b) => b is (byte)'\t' or (byte)'\n' or 0x0C or (byte)'\r' or (byte)' ';

    private static byte[] B(string latin1) => Encoding.Latin1.GetBytes(latin1);
}
