package io.flashgate.engine.logic;

import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageTypes;
import io.flashgate.protocol.SaleMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fairness: over 10,000 draws of a small sale (10 entrants of one unit each, 3 units), each with its own seed and run
 * through business logic as the engine runs it, every entrant wins equally often within a chi-square test at
 * p = 0.001.
 *
 * <p>The draws pick 3 distinct winners, so the counts are not multinomial: each count has variance N p (1 - p) and
 * they are negatively correlated, the covariance being N p (1 - p) k / (k - 1) (I - J / k) for k entrants. Scaled by
 * that factor, the sum of squared deviations follows chi-square with k - 1 = 9 degrees of freedom; the critical value
 * at p = 0.001 is 27.877.
 */
class DrawFairnessTest
{
    private static final int ENTRANTS = 10;
    private static final int STOCK = 3;
    private static final int DRAWS = 10_000;
    private static final double CRITICAL_9_DF_P_0_001 = 27.877;

    @Test
    void everyEntrantWinsEquallyOftenOverTenThousandSeededDraws()
    {
        final long[] wins = new long[ENTRANTS];
        final long[] drawnFirst = new long[ENTRANTS];
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final EventDecoder decoder = new EventDecoder();
        for (int draw = 0; draw < DRAWS; draw++)
        {
            final BusinessLogic logic = new BusinessLogic(16);
            final String seed = "fairness-" + draw;
            final int[] allocated = {0};
            final int drawIndex = draw;
            final EventSink sink = (b, o, l) ->
            {
                decoder.wrapAndValidate(b, o, l);
                if (decoder.type() == MessageTypes.ORDER_ALLOCATED)
                {
                    final int user = Integer.parseInt(decoder.userId().substring(1));
                    wins[user]++;
                    if (allocated[0]++ == 0)
                    {
                        drawnFirst[user]++;
                    }
                }
                else if (decoder.type() == MessageTypes.REJECTED)
                {
                    throw new AssertionError("draw " + drawIndex + ": " + decoder.reason());
                }
            };
            long time = 1_000;
            long sequence = 0;
            apply(logic, buffer, new Cmd.CreateSale2(time, "drop", STOCK, 1, 1_000, 2_000, 60, SaleMode.DRAW, 0,
                DrawAlgorithm.seedHash(seed)), ++sequence, sink);
            for (int u = 0; u < ENTRANTS; u++)
            {
                apply(logic, buffer, new Cmd.Enter(++time, "drop", "u" + u, 1, null), ++sequence, sink);
            }
            apply(logic, buffer, new Cmd.RunDraw(2_000, "drop", seed), ++sequence, sink);
            assertEquals(STOCK, allocated[0]);
        }
        final double expected = (double)DRAWS * STOCK / ENTRANTS;
        final double p = (double)STOCK / ENTRANTS;
        final double variance = DRAWS * p * (1 - p) * ENTRANTS / (ENTRANTS - 1);
        double chiSquare = 0;
        for (final long w : wins)
        {
            chiSquare += (w - expected) * (w - expected) / variance;
        }
        double firstChiSquare = 0;
        final double firstExpected = (double)DRAWS / ENTRANTS;
        for (final long f : drawnFirst)
        {
            firstChiSquare += (f - firstExpected) * (f - firstExpected) / firstExpected;
        }
        System.out.printf("draw fairness: %d draws, wins per entrant %s (expected %.0f each), chi-square %.3f " +
            "(9 df, critical %.3f at p = 0.001); drawn first %s, chi-square %.3f%n", DRAWS, Arrays.toString(wins),
            expected, chiSquare, CRITICAL_9_DF_P_0_001, Arrays.toString(drawnFirst), firstChiSquare);
        assertTrue(chiSquare < CRITICAL_9_DF_P_0_001, "wins " + Arrays.toString(wins) + ": chi-square " + chiSquare);
        assertTrue(firstChiSquare < CRITICAL_9_DF_P_0_001,
            "drawn first " + Arrays.toString(drawnFirst) + ": chi-square " + firstChiSquare);
    }

    private static void apply(final BusinessLogic logic, final UnsafeBuffer buffer, final Cmd cmd, final long sequence,
        final EventSink sink)
    {
        final int length = cmd.encode(buffer, sequence);
        logic.onCommand(buffer, 0, length, sink);
    }
}
