using System.Buffers;

namespace Portico.Middlewares.ForwardAuth;

/// <summary>Reads a whole body with an optional size limit, as Traefik's readBodyBytes.</summary>
internal static class ForwardAuthBody
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (a negative limit means none).</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (limit >= 0 && buffer.Length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}
