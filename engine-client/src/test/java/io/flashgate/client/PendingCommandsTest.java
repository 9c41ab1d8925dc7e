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
}
