package io.flashgate.engine.pipeline;

import io.flashgate.engine.api.EngineClient;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.Journal;
import io.flashgate.journal.JournalConfig;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.CommandEncoder;
import io.flashgate.protocol.EngineRole;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import io.flashgate.protocol.StandbyState;
import io.flashgate.protocol.WireFormat;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.flashgate.engine.pipeline.EngineTest.T0;
import static io.flashgate.engine.pipeline.EngineTest.await;
import static io.flashgate.engine.pipeline.EngineTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QUERY_ENGINE through the whole pipeline, and the protocol's limit on a command's length. */
@Timeout(60)
class EngineStatusTest
{
    private static final Reply.Standby NO_STANDBY = new Reply.Standby(StandbyState.ABSENT, 0, 0);
    private static final Reply.Sink NO_SINK = new Reply.Sink(0, 0);

    @TempDir
    Path dataDir;

    @Test
    void theEngineReportsItsSequencesAsASoloEngineAndTheQueryChangesNoState() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        try (EngineTest.Running engine = EngineTest.Running.start(config(dataDir), clock))
        {
            final EngineClient client = engine.client();
            await(client.createSale("flash", 10, 2, T0, T0 + 60_000, 30));
            await(client.purchase("flash", "alice", "k1", 1));
            await(client.purchase("flash", "bob", "k1", 2));
            final Reply saleBefore = await(client.querySale("flash"));

            // Commands 1-4 came before it; commands are answered one at a time, so nothing was offered after it.
            assertEquals(new Reply.EngineStatus(EngineRole.SOLO, 0, 5, 5, NO_STANDBY, NO_SINK), await(client.queryEngine()));
            assertEquals(new Reply.EngineStatus(EngineRole.SOLO, 0, 6, 6, NO_STANDBY, NO_SINK), await(client.queryEngine()));
            assertEquals(saleBefore, await(client.querySale("flash")));
            assertEquals(7, engine.engine().stats().durableSequence());
        }

        // After a restart the numbering goes on from the journal.
        try (EngineTest.Running engine = EngineTest.Running.start(config(dataDir), clock))
        {
            assertEquals(new Reply.EngineStatus(EngineRole.SOLO, 0, 8, 8, NO_STANDBY, NO_SINK), await(engine.client().queryEngine()));
        }

        // The queries are journaled like the other queries; replay answers them the same way and they change nothing.
        try (Journal journal = Journal.open(JournalConfig.defaults(config(dataDir).journalDirectory())))
        {
            final BusinessLogic withQueries = new BusinessLogic();
            final BusinessLogic withoutQueries = new BusinessLogic();
            final List<Reply> statuses = new ArrayList<>();
            final EventDecoder events = new EventDecoder();
            final CommandDecoder commands = new CommandDecoder();
            journal.replay(0, (sequence, buffer, offset, length) ->
            {
                withQueries.onCommand(buffer, offset, length, (b, o, l) ->
                {
                    if (events.wrapAndValidate(b, o, l) == null && events.type() == MessageTypes.ENGINE_STATUS)
                    {
                        statuses.add(Reply.decode(events));
                    }
                });
                commands.wrapAndValidate(buffer, offset, length);
                if (commands.type() != MessageTypes.QUERY_ENGINE)
                {
                    withoutQueries.onCommand(buffer, offset, length, (b, o, l) -> { });
                }
            });
            assertEquals(List.of(
                new Reply.EngineStatus(EngineRole.SOLO, 0, 5, 5, NO_STANDBY, NO_SINK),
                new Reply.EngineStatus(EngineRole.SOLO, 0, 6, 6, NO_STANDBY, NO_SINK),
                new Reply.EngineStatus(EngineRole.SOLO, 0, 8, 8, NO_STANDBY, NO_SINK)), statuses);
            assertEquals(StateSnapshot.stateHash(withoutQueries), StateSnapshot.stateHash(withQueries));
        }
    }

    @Test
    void aCommandOverTheMaximumLengthIsRejectedTooLongAndReplaysTheSameWay() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0);
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[2 * WireFormat.MAX_COMMAND_LENGTH]);
        try (EngineTest.Running engine = EngineTest.Running.start(config(dataDir), clock))
        {
            final EngineClient client = engine.client();
            await(client.createSale("flash", 10, 2, T0, T0 + 60_000, 30));
            new CommandEncoder().wrap(bytes, 0).purchase(1, 901, "flash", "alice", "k1", 1);
            assertEquals(new Reply.Rejected(Reason.TOO_LONG),
                await(client.submitRaw(bytes, 0, WireFormat.MAX_COMMAND_LENGTH + 1, 901)));
            new CommandEncoder().wrap(bytes, 0).purchase(1, 902, "flash", "alice", "k1", 1);
            assertEquals(new Reply.Rejected(Reason.TOO_LONG), await(client.submitRaw(bytes, 0, bytes.capacity(), 902)));
            // Ids far over the limit: the encoder writes one character too many, the engine rejects, nothing overflows.
            final String longId = "x".repeat(200);
            assertEquals(new Reply.Rejected(Reason.MALFORMED), await(client.purchase(longId, longId, longId, 1)));
            assertTrue(await(client.purchase("flash", "alice", "k1", 1)) instanceof Reply.Order order && order.isNew());
        }
        try (EngineTest.Running engine = EngineTest.Running.start(config(dataDir), clock))
        {
            assertEquals(1, ((Reply.Sale)await(engine.client().querySale("flash"))).reserved());
        }
    }
}
