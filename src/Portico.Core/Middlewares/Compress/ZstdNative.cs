using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Portico.Middlewares.Compress;

/// <summary>
/// The few functions of the system libzstd (Debian <c>libzstd1</c>) that streaming compression needs, plus streaming
/// decompression for tests and tools. <see cref="IsAvailable"/> is false when the library cannot be loaded.
/// </summary>
internal static unsafe partial class ZstdNative
{
    public const int CompressionLevelParameter = 100;
    public const int Continue = 0;
    public const int FlushDirective = 1;
    public const int End = 2;

    private const string Library = "libzstd.so.1";

    private static readonly Lazy<string?> LoadError = new(Probe);

    /// <summary>Whether libzstd could be loaded.</summary>
    public static bool IsAvailable => LoadError.Value is null;

    /// <summary>Why libzstd could not be loaded, or null.</summary>
    public static string? UnavailableReason => LoadError.Value;

    [StructLayout(LayoutKind.Sequential)]
    public struct Buffer
    {
        public byte* Data;
        public nuint Size;
        public nuint Position;
    }

    [LibraryImport(Library, EntryPoint = "ZSTD_createCCtx")]
    public static partial CompressorHandle CreateCompressor();

    [LibraryImport(Library, EntryPoint = "ZSTD_CCtx_setParameter")]
    public static partial nuint SetParameter(CompressorHandle context, int parameter, int value);

    [LibraryImport(Library, EntryPoint = "ZSTD_compressStream2")]
    public static partial nuint CompressStream(CompressorHandle context, ref Buffer output, ref Buffer input, int directive);

    [LibraryImport(Library, EntryPoint = "ZSTD_createDCtx")]
    public static partial DecompressorHandle CreateDecompressor();

    [LibraryImport(Library, EntryPoint = "ZSTD_decompressStream")]
    public static partial nuint DecompressStream(DecompressorHandle context, ref Buffer output, ref Buffer input);

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    public static partial uint IsError(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")]
    public static partial nint GetErrorName(nuint code);

    [LibraryImport(Library, EntryPoint = "ZSTD_versionNumber")]
    private static partial uint VersionNumber();

    [LibraryImport(Library, EntryPoint = "ZSTD_freeCCtx")]
    private static partial nuint FreeCompressor(nint context);

    [LibraryImport(Library, EntryPoint = "ZSTD_freeDCtx")]
    private static partial nuint FreeDecompressor(nint context);

    /// <summary>Throws when a libzstd return code is an error; returns it otherwise.</summary>
    public static nuint Check(nuint code) =>
        IsError(code) != 0 ? throw new IOException($"zstd: {Marshal.PtrToStringAnsi(GetErrorName(code))}") : code;

    /// <summary>Decompresses a whole zstd stream (all frames).</summary>
    public static byte[] Decompress(ReadOnlySpan<byte> compressed)
    {
        using var context = CreateDecompressor();
        using var result = new MemoryStream();
        var output = new byte[64 * 1024];
        fixed (byte* input = compressed)
        fixed (byte* outputPointer = output)
        {
            var source = new Buffer { Data = input, Size = (nuint)compressed.Length };
            while (true)
            {
                var destination = new Buffer { Data = outputPointer, Size = (nuint)output.Length };
                var hint = Check(DecompressStream(context, ref destination, ref source));
                result.Write(output, 0, (int)destination.Position);
                if (source.Position == source.Size && destination.Position < destination.Size)
                {
                    return hint == 0 ? result.ToArray() : throw new IOException("zstd: truncated stream");
                }
            }
        }
    }

    private static string? Probe()
    {
        try
        {
            return VersionNumber() > 0 ? null : "libzstd reported no version";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return ex.Message;
        }
    }

    internal sealed class CompressorHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public CompressorHandle()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle() => FreeCompressor(handle) == 0;
    }

    internal sealed class DecompressorHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public DecompressorHandle()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle() => FreeDecompressor(handle) == 0;
    }
}
