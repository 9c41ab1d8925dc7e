package io.flashgate.client.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.flashgate.client.OverloadedException;
import io.flashgate.protocol.AeronChannels;
import io.flashgate.protocol.BatchReader;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.WireFormat;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * How the gateway's channel gathers commands, over a real media driver on IPC: the test holds the send lock to
 * play a thread that is mid-offer, so what other threads offer meanwhile is seen to go out as one message.
 */
class AeronCommandChannelTest
{
    private MediaDriver driver;
    private Aeron aeron;
    private ExclusivePublication publication;
    private Subscription engine;
    private AeronCommandChannel channel;
    private final List<Long> lateRefusals = new ArrayList<>();
    private final AtomicReference<OverloadedException> lateWhy = new AtomicReference<>();

    @BeforeEach
    void start()
    {
        final String directory = new File(System.getProperty("java.io.tmpdir"),
            "flashgate-channel-" + UUID.randomUUID()).getPath();
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(directory)
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(directory));
        publication = aeron.addExclusivePublication(AeronChannels.IPC, AeronChannels.INGRESS_STREAM_ID);
        channel = new AeronCommandChannel(publication, (correlationId, why) ->
        {
            synchronized (lateRefusals)
            {
                lateRefusals.add(correlationId);
                lateWhy.set(why);
            }
        });
    }

    @AfterEach
    void stop()
    {
        CloseHelper.quietCloseAll(channel, engine, aeron, driver);
    }

    @Test
    @Timeout(30)
    void aLoneCommandGoesOutAtOnceInAMessageOfItsOwn() throws Exception
    {
        listen();
        assertNull(offer(1));
        assertEquals(1, channel.messagesSent());
        assertEquals(List.of(1L), receiveOneMessage());
    }

    @Test
    @Timeout(30)
    void commandsOfferedWhileAnotherIsSendingGoOutTogetherInOrderWithTheNextSend() throws Exception
    {
        listen();
        gatherWhileSomeoneSends(1, 5);
        assertEquals(0, channel.messagesSent(), "gathered commands waited for the sender");
        assertNull(offer(6)); // the next thread to send takes them along
        assertEquals(1, channel.messagesSent());
        assertEquals(6, channel.commandsSent());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), receiveOneMessage());
        assertTrue(lateRefusals.isEmpty());
    }

    @Test
    @Timeout(30)
    void aRefusedMessageRefusesEveryCommandInItAndNothingIsCountedAsSent() throws Exception
    {
        // Nobody subscribes: the publication answers NOT_CONNECTED.
        gatherWhileSomeoneSends(1, 5);
        final OverloadedException own = offer(6);
        assertTrue(own != null && own.getMessage().contains("NOT_CONNECTED"), String.valueOf(own));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), lateRefusals);
        assertSame(own, lateWhy.get());
        assertEquals(0, channel.messagesSent());
        assertEquals(0, channel.commandsSent());
    }

    @Test
    @Timeout(30)
    void aClosedChannelRefusesAtOnce()
    {
        channel.close();
        assertTrue(offer(1).getMessage().contains("CLOSED"));
    }

    /** Holds the send lock while another thread offers commands {@code first..last}; each is taken, none sent. */
    private void gatherWhileSomeoneSends(final long first, final long last) throws InterruptedException
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        channel.sending.lock();
        try
        {
            final Thread other = new Thread(() ->
            {
                try
                {
                    for (long id = first; id <= last; id++)
                    {
                        assertNull(offer(id), "a gathered command is taken");
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            other.start();
            other.join();
        }
        finally
        {
            channel.sending.unlock();
        }
        assertNull(failure.get());
    }

    private OverloadedException offer(final long correlationId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[WireFormat.MAX_COMMAND_LENGTH]);
        final int length = new CommandEncoder().wrap(buffer, 0).saleCommand(MessageTypes.QUERY_SALE, 3,
            correlationId, "sale");
        return channel.offer(correlationId, buffer, 0, length);
    }

    private void listen() throws InterruptedException
    {
        engine = aeron.addSubscription(AeronChannels.IPC, AeronChannels.INGRESS_STREAM_ID);
        final long deadline = System.nanoTime() + 10_000_000_000L;
        // Connected is not enough: the driver raises the publication's limit on its next duty cycle, and until then an
        // offer is BACK_PRESSURED (seen on a loaded machine).
        while (!publication.isConnected() || publication.availableWindow() <= 0)
        {
            if (System.nanoTime() > deadline)
            {
                fail("IPC never connected");
            }
            Thread.sleep(1);
        }
    }

    /**
     * The correlation ids of the one message waiting on the subscription, in order. That no other message follows is
     * shown by a marker command sent after it: the next message must be the marker alone (IPC keeps the order).
     */
    private List<Long> receiveOneMessage() throws InterruptedException
    {
        final List<Long> ids = receiveMessage();
        final long marker = 1_000_000;
        assertNull(offer(marker));
        assertEquals(List.of(marker), receiveMessage(), "the next message after " + ids);
        return ids;
    }

    /** The correlation ids of the next message on the subscription, in order. */
    private List<Long> receiveMessage() throws InterruptedException
    {
        final List<Long> ids = new ArrayList<>();
        final int[] messages = {0};
        final long deadline = System.nanoTime() + 10_000_000_000L;
        final BatchReader frames = new BatchReader();
        final CommandDecoder decoder = new CommandDecoder();
        while (messages[0] == 0)
        {
            engine.poll((buffer, offset, length, header) ->
            {
                messages[0]++;
                frames.wrap(buffer, offset, length);
                while (frames.next())
                {
                    assertNull(decoder.wrapAndValidate(buffer, frames.frameOffset(), frames.frameLength()));
                    ids.add(decoder.correlationId());
                }
                assertFalse(frames.isTorn());
            }, 1);
            if (System.nanoTime() > deadline)
            {
                fail("no message");
            }
            Thread.sleep(1);
        }
        return ids;
    }
}
