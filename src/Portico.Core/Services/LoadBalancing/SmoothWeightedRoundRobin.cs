namespace Portico.Services.LoadBalancing;

/// <summary>
/// nginx's smooth weighted round robin over a subset of candidates: every candidate's running weight grows by its
/// effective weight, the largest wins and gives back the total. Weights 5,1,1 yield a a b a c a a.
/// The caller holds the lock that guards the running weights.
/// </summary>
internal static class SmoothWeightedRoundRobin
{
    /// <summary>Picks among <paramref name="candidates"/> (indices into <paramref name="current"/>); returns -1 when empty.</summary>
    public static int Pick(Span<double> current, ReadOnlySpan<int> candidates, ReadOnlySpan<double> weights)
    {
        var best = -1;
        var total = 0d;
        for (var i = 0; i < candidates.Length; i++)
        {
            var index = candidates[i];
            current[index] += weights[i];
            total += weights[i];
            if (best < 0 || current[index] > current[best])
            {
                best = index;
            }
        }

        if (best >= 0)
        {
            current[best] -= total;
        }

        return best;
    }
}
