package io.flashgate.engine.logic;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model-based property test: random histories of sale commands (many users, stock adjustments,
 * cancels, confirmations, expiries, pauses, duplicate Idempotency-Keys, bad quantities) go to the
 * engine and to the plain {@link ReferenceModel}; they must emit the same events, and invariant 4
 * (reserved + confirmed ≤ stock, each user ≤ the limit) must hold after every step. Every few
 * steps the engine is snapshotted and restored, which must change nothing. The second property does
 * the same for draw sales: entries, withdrawals, caps per address, draws (right and wrong seeds, early),
 * the waiting list served by expiries, cancels and more stock, and purchases refused in a draw sale.
 */
class BusinessLogicModelTest
{
    private static final long T0 = 1_000_000L;
    private static final String[] SALES = {"s0", "s1", "s2"};
    private static final String[] USERS = {"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"};
    /** Mostly a few units; sometimes hundreds, where a move of 1 % of the stock is more than one purchase. */
    private static final Arbitrary<Integer> STOCKS = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(1, 12)), Tuple.of(1, Arbitraries.integers().between(100, 400)));

    @Property(tries = 3000, edgeCases = EdgeCasesMode.NONE)
    void engineAgreesWithReferenceModelAndKeepsInvariants(@ForAll("histories") final List<Step> history)
    {
        run(history);
    }

    @Property(tries = 1500, edgeCases = EdgeCasesMode.NONE)
    void drawSalesAgreeWithReferenceModelAndKeepInvariants(@ForAll("drawHistories") final List<Step> history)
    {
        final int[] counts = run(history);
        Statistics.label("draws").collect(counts[2] == 0 ? "0" : "1+");
        Statistics.label("allocated from the waiting list").collect(counts[3] == 0 ? "0" : "1+");
        Statistics.label("a waiting list at the draw").collect(counts[4] == 0 ? "0" : "1+");
        Statistics.label("refused for the cap of accounts per address").collect(counts[5] == 0 ? "0" : "1+");
    }

    /** @return orders accepted, orders expired, draws, orders allocated after a draw. */
    private static int[] run(final List<Step> history)
    {
        BusinessLogic engine = new BusinessLogic(16);
        final ReferenceModel model = new ReferenceModel();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        long time = T0;
        long sequence = 0;
        int accepted = 0;
        int expired = 0;
        int draws = 0;
        int fromWaitingList = 0;
        int waitingAtDraw = 0;
        int capped = 0;
        final Map<String, Integer> broadcast = new HashMap<>();
        int lagging = 0;
        for (final Step step : history)
        {
            time += step.advanceMillis();
            final Cmd cmd = step.command().apply(time);
            final int length = cmd.encode(buffer, ++sequence);
            final EventText events = new EventText();
            engine.onCommand(buffer, 0, length, events);
            final List<String> expected = model.apply(cmd);
            assertEquals(expected, events.lines, () -> "after " + cmd);
            lagging += assertBroadcastsKeepUp(engine, model, events.lines, broadcast, cmd);
            accepted += (int)expected.stream().filter(e -> e.startsWith("ORDER_ACCEPTED")).count();
            expired += (int)expected.stream().filter(e -> e.startsWith("ORDER_EXPIRED")).count();
            draws += (int)expected.stream().filter(e -> e.startsWith("DRAW_COMPLETED")).count();
            capped += (int)expected.stream().filter(e -> e.equals("REJECTED TOO_MANY_ACCOUNTS_FROM_ADDRESS")).count();
            waitingAtDraw += (int)expected.stream().filter(e -> e.startsWith("DRAW_COMPLETED") &&
                !e.contains(" waiting=0 ")).count();
            fromWaitingList += expected.stream().anyMatch(e -> e.startsWith("DRAW_COMPLETED")) ? 0 :
                (int)expected.stream().filter(e -> e.startsWith("ORDER_ALLOCATED")).count();
            assertInvariants(engine, model, cmd);
            if (sequence % 17 == 0)
            {
                engine = snapshotRoundTrip(engine);
            }
        }
        // Shown in the report, so that a generator gone vacuous is noticed.
        Statistics.label("orders accepted").collect(accepted == 0 ? "0" : accepted < 5 ? "1-4" : "5+");
        Statistics.label("orders expired").collect(expired == 0 ? "0" : "1+");
        Statistics.label("steps after which an edge shows an older remaining").collect(lagging == 0 ? "0" : "1+");
        return new int[] {accepted, expired, draws, fromWaitingList, waitingAtDraw, capped};
    }

    private static BusinessLogic snapshotRoundTrip(final BusinessLogic engine)
    {
        final ExpandableDirectByteBuffer bytes = new ExpandableDirectByteBuffer(256);
        final int length = StateSnapshot.write(engine, bytes);
        final BusinessLogic restored = StateSnapshot.read(bytes, 0, length);
        assertEquals(StateSnapshot.stateHash(engine), StateSnapshot.stateHash(restored));
        return restored;
    }

    /**
     * What an edge shows (the remaining stock of the last SALE_STATUS_CHANGED) lags the engine by less than 1 % of the
     * stock, and not at all after the clock's tick: the promise of GET /api/sales/{saleId}, checked apart from the
     * model, which only mirrors the rule.
     *
     * @return how many sales an edge shows an older remaining stock of.
     */
    private static int assertBroadcastsKeepUp(final BusinessLogic engine, final ReferenceModel model,
        final List<String> events, final Map<String, Integer> broadcast, final Cmd cmd)
    {
        int lagging = 0;
        for (final String e : events)
        {
            if (e.startsWith("SALE_STATUS_CHANGED "))
            {
                broadcast.put(field(e, "sale"), Integer.parseInt(field(e, "stock")) -
                    Integer.parseInt(field(e, "reserved")) - Integer.parseInt(field(e, "confirmed")));
            }
        }
        for (final ReferenceModel.SaleM s : model.sales.values())
        {
            final BusinessLogic.SaleFigures f = engine.saleFigures(s.id);
            final int shown = broadcast.get(s.id);
            if (cmd instanceof Cmd.Tick)
            {
                assertEquals(f.remaining(), shown, () -> s.id + ": the tick announces every change, after " + cmd);
            }
            assertTrue(Math.abs(shown - f.remaining()) * 100L < Math.max(1, f.stock()),
                () -> s.id + " shows " + shown + " of " + f + " after " + cmd);
            lagging += shown == f.remaining() ? 0 : 1;
        }
        return lagging;
    }

    private static String field(final String line, final String name)
    {
        final int start = line.indexOf(' ' + name + '=') + name.length() + 2;
        final int end = line.indexOf(' ', start);
        return line.substring(start, end < 0 ? line.length() : end);
    }

    private static void assertInvariants(final BusinessLogic engine, final ReferenceModel model, final Cmd cmd)
    {
        for (final ReferenceModel.SaleM s : model.sales.values())
        {
            final BusinessLogic.SaleFigures f = engine.saleFigures(s.id);
            assertTrue(f.reserved() >= 0 && f.confirmed() >= 0, () -> "negative figures " + f);
            assertTrue(f.reserved() + f.confirmed() <= f.stock(), () -> "oversold " + f + " after " + cmd);
            assertEquals(model.remaining(s), f.remaining());
            assertEquals(model.buyers(s), f.buyers());
            assertEquals(model.entries(s), f.entries());
            if (s.drawn)
            {
                assertEquals(s.drawOrder.stream().map(e -> e.user).toList(), engine.drawOrder(s.id));
            }
            for (final String user : USERS)
            {
                final long live = engine.liveUnits(s.id, user);
                assertTrue(live >= 0 && live <= f.limitPerUser(), () -> user + " above the limit in " + f);
                assertEquals(model.liveUnits(s.id, user), live);
            }
        }
    }

    record Step(int advanceMillis, LongFunction<Cmd> command)
    {
        @Override
        public String toString()
        {
            return "+" + advanceMillis + "ms " + command.apply(0);
        }
    }

    @Provide
    Arbitrary<List<Step>> histories()
    {
        final Arbitrary<Integer> advance = Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(0, 50)),
            Tuple.of(3, Arbitraries.integers().between(50, 2_000)),
            Tuple.of(1, Arbitraries.integers().between(2_000, 15_000)));
        final Arbitrary<Step> step = Combinators.combine(advance, command()).as(Step::new);
        // Open with one to three valid sales so that most histories actually trade.
        final Arbitrary<Step> opening = Combinators.combine(
                Arbitraries.of(SALES), STOCKS, Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 3_000), Arbitraries.integers().between(5_000, 120_000),
                Arbitraries.integers().between(1, 12))
            .as((s, stock, limit, start, duration, ttl) -> new Step(0,
                t -> new Cmd.CreateSale(t, s, stock, limit, T0 + start, T0 + start + duration, ttl)));
        return Combinators.combine(opening.list().ofMinSize(1).ofMaxSize(3), step.list().ofMinSize(20).ofMaxSize(150))
            .as((first, rest) ->
            {
                final List<Step> all = new ArrayList<>(first);
                all.addAll(rest);
                return all;
            });
    }

    private static final String SEED = "s33d-for-the-model";
    private static final byte[][] ADDRESSES = {null, null, null, address(1), address(2)};

    private static byte[] address(final int last)
    {
        final byte[] a = new byte[16];
        a[10] = (byte)0xFF;
        a[11] = (byte)0xFF;
        a[12] = 10;
        a[15] = (byte)last;
        return a;
    }

    @Provide
    Arbitrary<List<Step>> drawHistories()
    {
        final Arbitrary<Integer> advance = Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.integers().between(0, 50)),
            Tuple.of(4, Arbitraries.integers().between(50, 1_000)),
            Tuple.of(1, Arbitraries.integers().between(2_000, 8_000)));
        final Arbitrary<Step> step = Combinators.combine(advance, drawCommand()).as(Step::new);
        final Arbitrary<Step> opening = Combinators.combine(
                Arbitraries.of("d0", "d1"), Arbitraries.integers().between(0, 5), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 2_000), Arbitraries.integers().between(8_000, 40_000),
                Arbitraries.integers().between(1, 4), Arbitraries.of(0, 0, 1, 2))
            .as((s, stock, limit, start, duration, ttl, cap) -> new Step(0,
                t -> new Cmd.CreateSale2(t, s, stock, limit, T0 + start, T0 + start + duration, ttl,
                    io.flashgate.protocol.SaleMode.DRAW, cap, DrawAlgorithm.seedHash(SEED))));
        final Arbitrary<Step> firstCome = Arbitraries.of(0, 1, 2).map(cap -> new Step(0,
            t -> new Cmd.CreateSale2(t, "s0", 6, 2, T0, T0 + 60_000, 5, io.flashgate.protocol.SaleMode.FIRST_COME, cap,
                null)));
        return Combinators.combine(opening.list().ofMinSize(1).ofMaxSize(2), firstCome,
                step.list().ofMinSize(20).ofMaxSize(150))
            .as((first, s0, rest) ->
            {
                final List<Step> all = new ArrayList<>(first);
                all.add(s0);
                all.addAll(rest);
                return all;
            });
    }

    private Arbitrary<LongFunction<Cmd>> drawCommand()
    {
        final Arbitrary<String> sale = Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just("d0")), Tuple.of(3, Arbitraries.just("d1")),
            Tuple.of(1, Arbitraries.just("s0")), Tuple.of(1, Arbitraries.just("nope")));
        final Arbitrary<String> user = Arbitraries.of(USERS);
        final Arbitrary<Long> quantity = Arbitraries.frequencyOf(
            Tuple.of(20, Arbitraries.longs().between(1, 3)),
            Tuple.of(2, Arbitraries.longs().between(-1, 0)),
            Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, (long)Integer.MAX_VALUE + 1)));
        final Arbitrary<Long> orderId = Arbitraries.longs().between(0, 8);
        final Arbitrary<LongFunction<Cmd>> enter = Combinators.combine(sale, user, quantity,
                Arbitraries.integers().between(0, ADDRESSES.length - 1))
            .as((s, u, q, a) -> t -> new Cmd.Enter(t, s, u, q, ADDRESSES[a]));
        final Arbitrary<LongFunction<Cmd>> withdraw = Combinators.combine(sale, user)
            .as((s, u) -> t -> new Cmd.Withdraw(t, s, u));
        final Arbitrary<LongFunction<Cmd>> queryEntry = Combinators.combine(sale, user)
            .as((s, u) -> t -> new Cmd.QueryEntry(t, s, u));
        final Arbitrary<LongFunction<Cmd>> draw = Combinators.combine(sale,
                Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(SEED)), Tuple.of(1, Arbitraries.just("guess"))))
            .as((s, seed) -> t -> new Cmd.RunDraw(t, s, seed));
        final Arbitrary<LongFunction<Cmd>> queryDraw = sale.map(s -> t -> new Cmd.QueryDraw(t, s));
        final Arbitrary<LongFunction<Cmd>> winners = Combinators.combine(sale, Arbitraries.integers().between(-1, 8))
            .as((s, from) -> t -> new Cmd.QueryWinners(t, s, from));
        final Arbitrary<LongFunction<Cmd>> cancel = Combinators.combine(orderId, user)
            .as((o, u) -> t -> new Cmd.Cancel(t, o, u));
        final Arbitrary<LongFunction<Cmd>> confirm = orderId.map(o -> t -> new Cmd.Confirm(t, o));
        final Arbitrary<LongFunction<Cmd>> purchase = Combinators.combine(sale, user, quantity,
                Arbitraries.integers().between(0, ADDRESSES.length - 1), Arbitraries.of("k0", "k1"))
            .as((s, u, q, a, k) -> t -> new Cmd.PurchaseFrom(t, s, u, k, q, ADDRESSES[a]));
        final Arbitrary<LongFunction<Cmd>> adjust = Combinators.combine(sale, Arbitraries.longs().between(-3, 3))
            .as((s, d) -> t -> new Cmd.Adjust(t, s, d));
        final Arbitrary<LongFunction<Cmd>> flags = Combinators.combine(sale, Arbitraries.integers().between(0, 3))
            .as((s, which) -> switch (which)
            {
                case 0 -> t -> new Cmd.Pause(t, s);
                case 1 -> t -> new Cmd.Resume(t, s);
                case 2 -> t -> new Cmd.End(t, s);
                default -> t -> new Cmd.QuerySale(t, s);
            });
        final Arbitrary<LongFunction<Cmd>> tick = Arbitraries.just(Cmd.Tick::new);
        return Arbitraries.frequencyOf(
            Tuple.of(60, enter),
            Tuple.of(6, withdraw),
            Tuple.of(5, queryEntry),
            Tuple.of(8, draw),
            Tuple.of(3, queryDraw),
            Tuple.of(3, winners),
            Tuple.of(8, cancel),
            Tuple.of(5, confirm),
            Tuple.of(8, purchase),
            Tuple.of(3, adjust),
            Tuple.of(2, flags),
            Tuple.of(10, tick));
    }

    private Arbitrary<LongFunction<Cmd>> command()
    {
        final Arbitrary<String> sale = Arbitraries.of(SALES);
        final Arbitrary<String> user = Arbitraries.of(USERS);
        final Arbitrary<String> key = Arbitraries.of("k0", "k1", "k2", "k3");
        final Arbitrary<Long> quantity = Arbitraries.frequencyOf(
            Tuple.of(20, Arbitraries.longs().between(1, 3)),
            Tuple.of(2, Arbitraries.longs().between(-2, 0)),
            Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, (long)Integer.MAX_VALUE + 1)));
        final Arbitrary<Long> orderId = Arbitraries.longs().between(-1, 40);

        final Arbitrary<LongFunction<Cmd>> create = Combinators.combine(
                sale, Arbitraries.integers().between(-1, 12), Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 5_000), Arbitraries.integers().between(-100, 60_000),
                Arbitraries.integers().between(0, 12))
            .as((s, stock, limit, start, duration, ttl) ->
                t -> new Cmd.CreateSale(t, s, stock, limit, T0 + start, T0 + start + duration, ttl));
        final Arbitrary<LongFunction<Cmd>> adjust = Combinators.combine(sale,
                Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.longs().between(-8, 8)),
                    Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, (long)Integer.MAX_VALUE))))
            .as((s, d) -> t -> new Cmd.Adjust(t, s, d));
        final Arbitrary<LongFunction<Cmd>> purchase = Combinators.combine(sale, user, key, quantity)
            .as((s, u, k, q) -> t -> new Cmd.Purchase(t, s, u, k, q));
        final Arbitrary<LongFunction<Cmd>> cancel = Combinators.combine(orderId, user)
            .as((o, u) -> t -> new Cmd.Cancel(t, o, u));
        final Arbitrary<LongFunction<Cmd>> confirm = orderId.map(o -> t -> new Cmd.Confirm(t, o));
        final Arbitrary<LongFunction<Cmd>> queryOrder = Combinators.combine(orderId, Arbitraries.of("", "u0", "u1"))
            .as((o, u) -> t -> new Cmd.QueryOrder(t, o, u));
        final Arbitrary<LongFunction<Cmd>> flags = Combinators.combine(sale, Arbitraries.integers().between(0, 3))
            .as((s, which) -> switch (which)
            {
                case 0 -> t -> new Cmd.Pause(t, s);
                case 1 -> t -> new Cmd.Resume(t, s);
                case 2 -> t -> new Cmd.End(t, s);
                default -> t -> new Cmd.QuerySale(t, s);
            });
        final Arbitrary<LongFunction<Cmd>> tick = Arbitraries.just(Cmd.Tick::new);

        return Arbitraries.frequencyOf(
            Tuple.of(6, create),
            Tuple.of(40, purchase),
            Tuple.of(8, cancel),
            Tuple.of(8, confirm),
            Tuple.of(4, queryOrder),
            Tuple.of(5, adjust),
            Tuple.of(4, flags),
            Tuple.of(6, tick));
    }
}
