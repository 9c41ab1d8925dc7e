package io.flashgate.engine.transport;

import io.aeron.Publication;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.flashgate.client.aeron.DutyCycle;
import org.agrona.BitUtil;

/**
 * Whether a publication can take what a pipeline stage is about to send without waiting, for a stage run as an
 * agent of the Aeron duty cycle (the engine's egress, a pair's replicator): that thread runs the driver that makes
 * the room, so it must never wait in a retry. On any other thread the stage may wait in its own retry, and the room
 * is always there as far as this class is concerned.
 *
 * <p>After {@code waitNanos} without room (as long as a thread's retry) it says yes until room is seen again: what
 * the publication then refuses is dropped by the caller, so a stuck subscriber costs drops, never a stalled engine.
 * One thread only (the stage's).
 */
public final class PublicationRoom
{
    private final Publication publication;
    private final DutyCycle dutyCycle;
    private final long waitNanos;
    /** One whole message as it takes room in the publication's window. */
    private final long frameLength;
    /** When the stage first found no room, or -1 while it has room. */
    private long noRoomSince = -1;

    /** @param dutyCycle the Aeron duty cycle whose thread must never wait, or null when the driver runs on its own. */
    public PublicationRoom(final Publication publication, final DutyCycle dutyCycle, final long waitNanos)
    {
        this.publication = publication;
        this.dutyCycle = dutyCycle;
        this.waitNanos = waitNanos;
        this.frameLength = BitUtil.align(publication.maxPayloadLength() + DataHeaderFlyweight.HEADER_LENGTH,
            FrameDescriptor.FRAME_ALIGNMENT);
    }

    /** False on the duty thread: an offer there is tried once (and once more for a term rotation), never retried. */
    public boolean mayWait()
    {
        return dutyCycle == null || !dutyCycle.isDutyThread();
    }

    /** Room for {@code messages} whole messages (see the class comment); never more than a quarter of a term. */
    public boolean hasRoomFor(final long messages)
    {
        if (mayWait())
        {
            return true;
        }
        // An IPC publication moves its limit in steps of an eighth of the window: a quarter of a term is always free
        // once the reader has caught up.
        final long needed = Math.min(frameLength * messages, publication.termBufferLength() / 4);
        if (publication.availableWindow() >= needed || !publication.isConnected())
        {
            noRoomSince = -1; // without a subscriber an offer fails at once (NOT_CONNECTED): nothing to wait for
            return true;
        }
        final long now = System.nanoTime();
        if (noRoomSince == -1)
        {
            noRoomSince = now;
        }
        return now - noRoomSince >= waitNanos;
    }

    /** Messages of one frame each that {@code bytes} of events fill at worst (each at least half full). */
    public long messagesFor(final int bytes)
    {
        return bytes / (frameLength / 2);
    }
}
