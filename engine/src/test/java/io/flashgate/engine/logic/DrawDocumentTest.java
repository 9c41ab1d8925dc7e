package io.flashgate.engine.logic;

import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.SaleMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/DRAW.md's worked example holds: every number it shows is computed here twice, by the engine's
 * {@link DrawAlgorithm} (through business logic, as a draw runs) and by {@link ReferenceDraw} (written from the
 * document alone), and must appear in the document as shown.
 */
class DrawDocumentTest
{
    private static final String SALE = "drop-1";
    private static final String SEED = "example-seed";
    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin");
    private static final List<Integer> QUANTITIES = List.of(1, 2, 1, 1, 2);

    @Test
    void theWorkedExampleOfDrawMdIsWhatBothImplementationsCompute() throws IOException
    {
        final String doc = Files.readString(Path.of("..", "docs", "DRAW.md"));
        final HexFormat hex = HexFormat.of();

        final String seedHash = hex.formatHex(DrawAlgorithm.seedHash(SEED));
        assertEquals(seedHash, hex.formatHex(ReferenceDraw.sha256(SEED.getBytes())));
        assertShown(doc, "seedHash = " + seedHash);

        final String entriesHash = hex.formatHex(ReferenceDraw.entriesHash(SALE, USERS, QUANTITIES));
        assertShown(doc, "entriesHash = " + entriesHash);

        final byte[] key = (SEED + "\0" + SALE + "\0").getBytes();
        final byte[] input = new byte[key.length + 8];
        System.arraycopy(key, 0, input, 0, key.length);
        final String block0 = hex.formatHex(ReferenceDraw.sha256(input));
        assertShown(doc, block0);
        final ReferenceDraw words = new ReferenceDraw(SEED, SALE);
        final DrawAlgorithm engineWords = new DrawAlgorithm().start(SEED, SALE);
        final List<String> four = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final BigInteger word = words.nextWord();
            assertEquals(word.toString(), Long.toUnsignedString(engineWords.nextWord()));
            four.add(word.toString());
        }
        assertShown(doc, "Its four words: " + String.join(", ", four) + ".");

        final List<String> order = new ReferenceDraw(SEED, SALE).drawOrder(USERS);
        assertEquals(List.of("dave", "erin", "carol", "bob", "alice"), order);
        assertShown(doc, "Draw order: " + String.join(", ", order) + ".");

        // Through business logic, as the engine draws: the same entries hash, the same winners, the same order.
        final BusinessLogic logic = new BusinessLogic(16);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final List<String> allocated = new ArrayList<>();
        final String[] published = new String[1];
        final EventDecoder event = new EventDecoder();
        final EventSink sink = (b, o, l) ->
        {
            event.wrapAndValidate(b, o, l);
            if (event.type() == MessageTypes.ORDER_ALLOCATED)
            {
                allocated.add(event.userId() + " " + event.quantity());
            }
            if (event.type() == MessageTypes.DRAW_COMPLETED)
            {
                published[0] = hex.formatHex(event.drawEntriesHash());
            }
        };
        long sequence = 0;
        logic.onCommand(buffer, 0, new Cmd.CreateSale2(1_000, SALE, 3, 2, 1_000, 2_000, 600, SaleMode.DRAW, 0,
            DrawAlgorithm.seedHash(SEED)).encode(buffer, ++sequence), sink);
        for (int i = 0; i < USERS.size(); i++)
        {
            logic.onCommand(buffer, 0, new Cmd.Enter(1_001 + i, SALE, USERS.get(i), QUANTITIES.get(i), null)
                .encode(buffer, ++sequence), sink);
        }
        logic.onCommand(buffer, 0, new Cmd.RunDraw(2_000, SALE, SEED).encode(buffer, ++sequence), sink);
        assertEquals(order, logic.drawOrder(SALE));
        assertEquals(entriesHash, published[0]);
        assertEquals(List.of("dave 1", "erin 2"), allocated);
        assertShown(doc, "Serving 3 units: dave gets 1 (2 left), erin gets 2 (none left).");
        for (final String winner : List.of("dave", "erin"))
        {
            assertShown(doc, hex.formatHex(ReferenceDraw.hashedId(SALE, winner)) + "   (" + winner + ")");
        }
    }

    private static void assertShown(final String doc, final String text)
    {
        assertTrue(doc.contains(text), "docs/DRAW.md should show: " + text);
    }
}
