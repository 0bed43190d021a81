using CodexProxy.Translation;
using CodexProxy.Translation.Tokens;
using Xunit;

namespace CodexProxy.Tests.Translation.Tokens;

public sealed class ImageTokenEstimatorTests
{
    [Theory]
    [InlineData(1024, 1024, 630)] // → 768×768: 2×2 tiles
    [InlineData(4000, 2000, 910)] // → 2048×1024 → 1536×768: 3×2 tiles
    [InlineData(512, 512, 210)] // one tile
    [InlineData(100, 3000, 630)] // → 68×2048, short side already < 768: 1×4 tiles
    public void Size_CostsTheTileRule(int width, int height, int expected)
    {
        Assert.Equal(expected, ImageTokenEstimator.ForSize(width, height, "auto"));
    }

    [Fact]
    public void LowDetail_CostsTheBaseOnly()
    {
        Assert.Equal(ImageTokenEstimator.BaseTokens, ImageTokenEstimator.ForImageUrl(DataUrl("image/png", Png(4000, 3000)), "low"));
    }

    [Fact]
    public void Png_SizeIsReadFromTheHeader()
    {
        Assert.Equal(910, ImageTokenEstimator.ForImageUrl(DataUrl("image/png", Png(4000, 2000)), null));
    }

    [Fact]
    public void Gif_SizeIsReadFromTheHeader()
    {
        byte[] gif = [.. "GIF89a"u8, 0x00, 0x02, 0x00, 0x02, 0, 0, 0];

        Assert.True(ImageTokenEstimator.TryReadSize(gif, out var width, out var height));
        Assert.Equal((512, 512), (width, height));
    }

    [Fact]
    public void Jpeg_SizeComesFromTheFirstFrameHeader_AfterOtherSegments()
    {
        byte[] jpeg =
        [
            0xFF, 0xD8,
            0xFF, 0xE0, 0x00, 0x06, 0x4A, 0x46, 0x49, 0x46, // APP0, 4 payload bytes
            0xFF, 0xC4, 0x00, 0x03, 0x00, // DHT: not a frame header
            0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x02, 0xD0, 0x05, 0x00, 0x03, 0x01, // SOF2: 720 high, 1280 wide
        ];

        Assert.True(ImageTokenEstimator.TryReadSize(jpeg, out var width, out var height));
        Assert.Equal((1280, 720), (width, height));
    }

    [Fact]
    public void WebP_ExtendedHeader_GivesTheCanvasSize()
    {
        var webp = new byte[30];
        "RIFF"u8.CopyTo(webp);
        "WEBPVP8X"u8.CopyTo(webp.AsSpan(8));
        (webp[24], webp[25], webp[26]) = (0xFF, 0x07, 0x00); // width − 1 = 2047
        (webp[27], webp[28], webp[29]) = (0xFF, 0x03, 0x00); // height − 1 = 1023

        Assert.True(ImageTokenEstimator.TryReadSize(webp, out var width, out var height));
        Assert.Equal((2048, 1024), (width, height));
    }

    [Theory]
    [InlineData("https://example.com/cat.png")]
    [InlineData("data:image/png;base64,not-base64!")]
    [InlineData("data:image/png;base64,AAAA")]
    public void UnreadableImage_CostsTheDefault(string url)
    {
        Assert.Equal(ImageTokenEstimator.UnknownSizeTokens, ImageTokenEstimator.ForImageUrl(url, null));
    }

    internal static byte[] Png(int width, int height)
    {
        var png = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }.CopyTo(png, 0);
        "IHDR"u8.CopyTo(png.AsSpan(12));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        return png;
    }

    internal static string DataUrl(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";
}
