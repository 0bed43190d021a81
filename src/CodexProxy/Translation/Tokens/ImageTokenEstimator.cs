using System.Buffers.Binary;

namespace CodexProxy.Translation.Tokens;

/// <summary>
/// OpenAI's image-token rule for the GPT-5 family (tile model): <c>detail:"low"</c> costs the base; otherwise the image
/// is scaled to fit 2048×2048, then its short side to 768, and every 512-pixel tile costs <see cref="TileTokens"/> on
/// top of the base. Dimensions come from the PNG/JPEG/GIF/WebP header, read straight from the bytes (no image library).
/// </summary>
internal static class ImageTokenEstimator
{
    public const int BaseTokens = 70;
    public const int TileTokens = 140;

    /// <summary>Used when the size cannot be read (URL images, unknown formats): a 1024×1024 image.</summary>
    public static readonly int UnknownSizeTokens = ForSize(1024, 1024, null);

    /// <summary>Tokens for an <c>input_image</c> URL: a <c>data:</c> URL is measured, anything else is assumed.</summary>
    public static int ForImageUrl(string imageUrl, string? detail)
    {
        ArgumentNullException.ThrowIfNull(imageUrl);
        if (detail == "low")
        {
            return BaseTokens;
        }

        var comma = imageUrl.IndexOf(',', StringComparison.Ordinal);
        if (!imageUrl.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || comma < 0)
        {
            return UnknownSizeTokens;
        }

        var bytes = DecodeBase64(imageUrl.AsSpan(comma + 1));
        return bytes is not null && TryReadSize(bytes, out var width, out var height)
            ? ForSize(width, height, detail)
            : UnknownSizeTokens;
    }

    public static int ForSize(int width, int height, string? detail)
    {
        if (detail == "low" || width <= 0 || height <= 0)
        {
            return BaseTokens;
        }

        double w = width;
        double h = height;
        var fit = Math.Min(1.0, 2048.0 / Math.Max(w, h));
        w *= fit;
        h *= fit;
        var shortSide = Math.Min(w, h);
        if (shortSide > 768)
        {
            var scale = 768.0 / shortSide;
            w *= scale;
            h *= scale;
        }

        var tiles = (int)Math.Ceiling(w / 512) * (int)Math.Ceiling(h / 512);
        return BaseTokens + (TileTokens * tiles);
    }

    /// <summary>Width and height from the file header; false for unknown or truncated data.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        if (data.Length >= 24 && data.StartsWith(PngSignature))
        {
            width = BinaryPrimitives.ReadInt32BigEndian(data[16..]);
            height = BinaryPrimitives.ReadInt32BigEndian(data[20..]);
        }
        else if (data.Length >= 10 && (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8)))
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        }
        else if (data.Length >= 30 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            ReadWebP(data, out width, out height);
        }
        else if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8)
        {
            ReadJpeg(data, out width, out height);
        }

        return width > 0 && height > 0;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static void ReadWebP(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            width = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
            height = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
        }
        else if (chunk.SequenceEqual("VP8L"u8) && data[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            width = 1 + (int)(bits & 0x3FFF);
            height = 1 + (int)((bits >> 14) & 0x3FFF);
        }
        else if (chunk.SequenceEqual("VP8 "u8))
        {
            // Frame header: 3-byte tag, start code 9D 01 2A, then 14-bit width and height.
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
        }
    }

    /// <summary>Walks the marker segments to the first start-of-frame (SOF0–SOF15 except DHT, JPG and DAC).</summary>
    private static void ReadJpeg(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        var i = 2;
        while (i + 9 < data.Length)
        {
            if (data[i] != 0xFF)
            {
                return;
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                return;
            }

            i += 2 + length;
        }
    }

    private static byte[]? DecodeBase64(ReadOnlySpan<char> base64)
    {
        var buffer = new byte[(base64.Length / 4 * 3) + 3];
        return Convert.TryFromBase64Chars(base64.Trim(), buffer, out var written) ? buffer[..written] : null;
    }
}
