namespace Portico.Forwarding;

/// <summary>
/// Follows the frames a client writes on an HTTP/2 connection and finds, at the start of each HEADERS frame, the
/// <c>:scheme: http</c> field (HPACK static index 6, the single byte 0x86) that SocketsHttpHandler writes right after
/// <c>:method</c> when it believes the connection is cleartext. Only frame headers and the first fields of HEADERS
/// frames are looked at; everything else is skipped by length.
/// </summary>
internal struct Http2SchemeScanner
{
    public const byte SchemeHttp = 0x86;
    public const byte SchemeHttps = 0x87;

    private const int PrefaceLength = 24;
    private const int FrameHeaderLength = 9;
    private const byte HeadersType = 0x1;
    private const byte PaddedFlag = 0x8;
    private const byte PriorityFlag = 0x20;

    private Phase _phase;
    private Step _step;
    private int _remaining;
    private int _headerFill;
    private int _length;
    private byte _type;
    private byte _flags;
    private int _count;
    private int _shift;

    private enum Phase
    {
        Skip,
        FrameHeader,
        Headers,
    }

    private enum Step
    {
        PadLength,
        Priority,
        FirstField,
        ValueLength,
        ValueLengthMore,
        Value,
        Scheme,
        Done,
    }

    /// <summary>A scanner at the start of a connection, before the client preface.</summary>
    public static Http2SchemeScanner Start => new() { _phase = Phase.Skip, _remaining = PrefaceLength };

    /// <summary>
    /// Advances over <paramref name="data"/>. With an empty <paramref name="patch"/> it stops at the first scheme byte
    /// to rewrite and returns true (the caller restores its copy of the scanner and runs again on a writable copy);
    /// otherwise every such byte is rewritten in <paramref name="patch"/> (the same bytes as <paramref name="data"/>).
    /// </summary>
    public bool Advance(ReadOnlySpan<byte> data, Span<byte> patch)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (_phase)
            {
                case Phase.Skip:
                    var skipped = Math.Min(_remaining, data.Length - i);
                    i += skipped;
                    _remaining -= skipped;
                    if (_remaining == 0)
                    {
                        _phase = Phase.FrameHeader;
                        _headerFill = 0;
                    }

                    break;
                case Phase.FrameHeader:
                    ReadFrameHeader(data[i++]);
                    break;
                default:
                    if (Read(data[i]))
                    {
                        if (patch.IsEmpty)
                        {
                            return true;
                        }

                        patch[i] = SchemeHttps;
                    }

                    i++;
                    _remaining--;
                    if (_remaining == 0)
                    {
                        _phase = Phase.FrameHeader;
                        _headerFill = 0;
                    }
                    else if (_step == Step.Done)
                    {
                        _phase = Phase.Skip;
                    }

                    break;
            }
        }

        return false;
    }

    private void ReadFrameHeader(byte b)
    {
        switch (_headerFill++)
        {
            case 0:
                _length = b << 16;
                return;
            case 1:
                _length |= b << 8;
                return;
            case 2:
                _length |= b;
                return;
            case 3:
                _type = b;
                return;
            case 4:
                _flags = b;
                return;
            case < FrameHeaderLength - 1:
                return;
        }

        // The 9th byte ends the header (the stream id is not needed).
        _remaining = _length;
        if (_length == 0)
        {
            _headerFill = 0;
            return;
        }

        if (_type != HeadersType)
        {
            _phase = Phase.Skip;
            return;
        }

        _phase = Phase.Headers;
        _count = 5;
        _step = (_flags & PaddedFlag) != 0 ? Step.PadLength : (_flags & PriorityFlag) != 0 ? Step.Priority : Step.FirstField;
    }

    /// <summary>Consumes one byte of a HEADERS frame's start; true when it is the scheme byte to rewrite.</summary>
    private bool Read(byte b)
    {
        switch (_step)
        {
            case Step.PadLength:
                _step = (_flags & PriorityFlag) != 0 ? Step.Priority : Step.FirstField;
                return false;
            case Step.Priority:
                _step = --_count == 0 ? Step.FirstField : Step.Priority;
                return false;
            case Step.FirstField:
                _step = FirstField(b);
                return false;
            case Step.ValueLength:
                _count = b & 0x7F;
                _shift = 0;
                _step = _count == 0x7F ? Step.ValueLengthMore : _count == 0 ? Step.Scheme : Step.Value;
                return false;
            case Step.ValueLengthMore:
                _count += (b & 0x7F) << _shift;
                _shift += 7;
                _step = (b & 0x80) != 0 ? (_shift > 21 ? Step.Done : Step.ValueLengthMore) : Step.Value;
                return false;
            case Step.Value:
                _step = --_count == 0 ? Step.Scheme : Step.Value;
                return false;
            case Step.Scheme:
                _step = Step.Done;
                return b == SchemeHttp;
            default:
                return false;
        }
    }

    /// <summary>
    /// The <c>:method</c> field: indexed (GET, POST) or a literal with an indexed name; anything else is not what
    /// SocketsHttpHandler writes, so the frame is left alone.
    /// </summary>
    private static Step FirstField(byte b)
    {
        if ((b & 0x80) != 0)
        {
            return (b & 0x7F) is 0 or 0x7F ? Step.Done : Step.Scheme;
        }

        var index = (b & 0xC0) == 0x40 ? b & 0x3F : (b & 0xE0) == 0 ? b & 0x0F : -1;
        return index is > 0 and < 0x0F ? Step.ValueLength : Step.Done;
    }
}
