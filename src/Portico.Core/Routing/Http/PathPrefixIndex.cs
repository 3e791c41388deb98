namespace Portico.Routing.Http;

/// <summary>
/// The routes of one host bucket, indexed by the path prefixes they require, in a radix tree. Every node that
/// ends a prefix holds the precomputed, priority-ordered list of all routes that can match a path reaching it:
/// its own routes, those of its ancestors and the bucket's routes without a path requirement. A lookup walks
/// the tree along the path and returns the deepest such list: one ordered list, no merging per request.
/// </summary>
internal sealed class PathPrefixIndex
{
    private readonly Node _root = new(string.Empty);

    /// <param name="routes">(rank, required prefixes or null) in ascending rank order.</param>
    public PathPrefixIndex(IReadOnlyList<(int Rank, IReadOnlyList<string>? Prefixes)> routes)
    {
        var unindexed = new List<int>();
        foreach (var (rank, prefixes) in routes)
        {
            if (prefixes is null)
            {
                unindexed.Add(rank);
                continue;
            }

            foreach (var prefix in prefixes)
            {
                Insert(prefix).Own.Add(rank);
            }
        }

        Finish(_root, [.. unindexed]);
    }

    /// <summary>Candidate ranks, ascending (best first), for a request path.</summary>
    public int[] Lookup(string path)
    {
        var node = _root;
        var best = _root.Candidates!;
        var pos = 0;
        while (pos < path.Length)
        {
            var child = node.Find(path[pos]);
            if (child is null || !path.AsSpan(pos).StartsWith(child.Label, StringComparison.Ordinal))
            {
                break;
            }

            pos += child.Label.Length;
            node = child;
            if (node.Candidates is not null)
            {
                best = node.Candidates;
            }
        }

        return best;
    }

    private Node Insert(string prefix)
    {
        var node = _root;
        var pos = 0;
        while (pos < prefix.Length)
        {
            var child = node.Find(prefix[pos]);
            if (child is null)
            {
                var leaf = new Node(prefix[pos..]);
                node.Add(leaf);
                return leaf;
            }

            var rest = prefix.AsSpan(pos);
            var common = rest.CommonPrefixLength(child.Label);
            if (common < child.Label.Length)
            {
                child = node.Split(child, common);
            }

            pos += common;
            node = child;
        }

        return node;
    }

    private static void Finish(Node node, int[] inherited)
    {
        var own = node.Own;
        var list = own.Count == 0 ? inherited : MergeUnique(inherited, own);
        if (own.Count > 0 || node.Label.Length == 0)
        {
            node.Candidates = list;
        }

        node.Own = [];
        foreach (var child in node.Children)
        {
            Finish(child, list);
        }
    }

    private static int[] MergeUnique(int[] a, List<int> b)
    {
        b.Sort();
        var result = new List<int>(a.Length + b.Count);
        int i = 0, j = 0;
        while (i < a.Length || j < b.Count)
        {
            var next = j >= b.Count || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            while (i < a.Length && a[i] == next)
            {
                i++;
            }

            while (j < b.Count && b[j] == next)
            {
                j++;
            }

            result.Add(next);
        }

        return [.. result];
    }

    private sealed class Node(string label)
    {
        public string Label { get; set; } = label;

        public List<Node> Children { get; } = [];

        public List<int> Own { get; set; } = [];

        public int[]? Candidates { get; set; }

        public Node? Find(char first)
        {
            // Children are few in most buckets; a linear scan beats hashing here.
            foreach (var child in Children)
            {
                if (child.Label[0] == first)
                {
                    return child;
                }
            }

            return null;
        }

        public void Add(Node child) => Children.Add(child);

        /// <summary>Splits <paramref name="child"/> after <paramref name="at"/> characters and returns the new middle node.</summary>
        public Node Split(Node child, int at)
        {
            var middle = new Node(child.Label[..at]);
            child.Label = child.Label[at..];
            middle.Children.Add(child);
            Children[Children.IndexOf(child)] = middle;
            return middle;
        }
    }
}
