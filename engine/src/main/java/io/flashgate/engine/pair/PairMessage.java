package io.flashgate.engine.pair;

import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.StandbyState;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The one message format between the two engines of a pair (little-endian flyweight, one stream each way):
 *
 * <pre>
 *  0 kind   1 sender's role   2 standby state (as the primary sees it)   3 flags   4 sender's pair id (int)
 *  8 epoch (the sender's)     16 first value     24 second value     32 third value     40 records (RECORDS only)
 * </pre>
 *
 * <ul>
 *   <li>{@link #RECORDS}: primary to standby; first value = sequence of the first record; then the journaled records,
 *       framed as every batch is ({@code io.flashgate.protocol.BatchWriter}).</li>
 *   <li>{@link #PRIMARY_BEAT}: primary to standby, every heartbeat interval; first value = last sequence it holds.</li>
 *   <li>{@link #STANDBY_ACK}: standby to primary, whenever its journal's durable end moves and every heartbeat
 *       interval; first value = durable sequence, second = the next sequence it needs (below it: nothing missing),
 *       third = the first sequence of the live records it keeps past a gap (0: no gap).</li>
 *   <li>{@link #SET_ASIDE_AFTER}: primary to a standby whose journal holds an older epoch's tail that the primary's
 *       history does not have; first value = the last sequence both share.</li>
 *   <li>{@link #SNAPSHOT_PART}: primary to a standby its journal no longer reaches back to; first value = the
 *       snapshot's sequence, second = this part's offset in it, third = its whole length; then the part's bytes.</li>
 * </ul>
 */
final class PairMessage
{
    static final byte RECORDS = 1;
    static final byte PRIMARY_BEAT = 2;
    static final byte STANDBY_ACK = 3;
    static final byte SET_ASIDE_AFTER = 4;
    static final byte SNAPSHOT_PART = 5;

    static final int HEADER_LENGTH = 40;
    private static final int KIND = 0;
    private static final int ROLE = 1;
    private static final int STANDBY_STATE = 2;
    private static final int EPOCH = 8;
    private static final int FIRST = 16;
    private static final int SECOND = 24;
    private static final int THIRD = 32;

    private PairMessage()
    {
    }

    static int write(final MutableDirectBuffer buffer, final byte kind, final EngineRole role,
        final StandbyState standbyState, final long epoch, final long first, final long second)
    {
        return write(buffer, kind, role, standbyState, epoch, first, second, 0);
    }

    static int write(final MutableDirectBuffer buffer, final byte kind, final EngineRole role,
        final StandbyState standbyState, final long epoch, final long first, final long second, final long third)
    {
        buffer.putLong(THIRD, third);
        buffer.putByte(KIND, kind);
        buffer.putByte(ROLE, role.code());
        buffer.putByte(STANDBY_STATE, standbyState.code());
        buffer.putLong(EPOCH, epoch);
        buffer.putLong(FIRST, first);
        buffer.putLong(SECOND, second);
        return HEADER_LENGTH;
    }

    /** Flag: the sender is a candidate ({@code ops/flashgate engine}), not started as {@code standby}. */
    static final byte CANDIDATE = 1;

    /**
     * Sets who sends (bytes 3..7): kept across {@link #write} calls, so an owner of a buffer sets it once. Without a
     * sender, both stay zero.
     */
    static void sender(final MutableDirectBuffer buffer, final int pairId, final boolean candidate)
    {
        buffer.putByte(3, candidate ? CANDIDATE : 0);
        buffer.putInt(4, pairId);
    }

    static int senderId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + 4);
    }

    static boolean senderIsCandidate(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + 3) & CANDIDATE) != 0;
    }

    static byte kind(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + KIND);
    }

    static EngineRole role(final DirectBuffer buffer, final int offset)
    {
        return EngineRole.fromCode(buffer.getByte(offset + ROLE));
    }

    static StandbyState standbyState(final DirectBuffer buffer, final int offset)
    {
        return StandbyState.fromCode(buffer.getByte(offset + STANDBY_STATE));
    }

    static long epoch(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + EPOCH);
    }

    static long first(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + FIRST);
    }

    static long second(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SECOND);
    }

    static long third(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + THIRD);
    }
}
