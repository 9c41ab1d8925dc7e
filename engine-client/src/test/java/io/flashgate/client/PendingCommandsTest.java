package io.flashgate.client;

import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingCommandsTest
{
    private static final CommandChannel TAKES_EVERYTHING = (id, bytes, offset, length) -> null;

    @Test
    void aCorrelationIdAlreadyWaitingIsRefusedAndTheFirstCommandStillGetsItsReply() throws Exception
    {
        final PendingCommands pending = new PendingCommands(Duration.ofSeconds(5));
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[16]);
        final CompletableFuture<Reply> first = pending.send(7, TAKES_EVERYTHING, bytes, 0, 16);
        final CompletableFuture<Reply> second = pending.send(7, TAKES_EVERYTHING, bytes, 0, 16);

        assertTrue(second.isCompletedExceptionally(), "the second command with the same id is refused at once");
        final ExecutionException refused = assertThrows(ExecutionException.class, second::get);
        assertInstanceOf(IllegalArgumentException.class, refused.getCause());
        assertFalse(first.isDone());
        assertEquals(1, pending.size());

        final Reply reply = Reply.Rejected.of(Reason.SOLD_OUT);
        assertTrue(pending.complete(7, reply));
        assertSame(reply, first.get());
        assertEquals(0, pending.size());
        assertEquals(0, pending.expire(System.nanoTime() + Duration.ofSeconds(10).toNanos()), "nothing left to expire");
    }

    @Test
    void claimingAMessagesRepliesTogetherTakesEachWaitingCommandOnceAndNothingElse()
    {
        final PendingCommands pending = new PendingCommands(Duration.ofMillis(1));
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[16]);
        final CompletableFuture<Reply> a = pending.send(1, TAKES_EVERYTHING, bytes, 0, 16);
        final CompletableFuture<Reply> b = pending.send(2, TAKES_EVERYTHING, bytes, 0, 16);
        final CompletableFuture<Reply> c = pending.send(3, TAKES_EVERYTHING, bytes, 0, 16);
        @SuppressWarnings("unchecked")
        final CompletableFuture<Reply>[] into = new CompletableFuture[4];

        assertEquals(2, pending.claimAll(new long[] {3, 9, 1, 3}, 4, into));
        assertSame(c, into[0]);
        assertNull(into[1], "nobody waits for 9");
        assertSame(a, into[2]);
        assertNull(into[3], "3 was claimed once already");
        assertEquals(2, pending.replyCount());
        assertEquals(1, pending.size());

        // The claimed ones left the deadlines too: only b can still time out.
        assertEquals(1, pending.expire(System.nanoTime() + Duration.ofSeconds(1).toNanos()));
        assertTrue(b.isCompletedExceptionally());
        assertFalse(a.isDone());
        assertFalse(c.isDone());
    }
}
