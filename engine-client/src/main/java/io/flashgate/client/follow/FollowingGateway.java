package io.flashgate.client.follow;

import io.aeron.Aeron;
import io.flashgate.client.EngineGateway;
import io.flashgate.client.FollowedEngine;
import io.flashgate.client.OverloadedException;
import io.flashgate.client.PendingCommands;
import io.flashgate.client.ResultUnknownException;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.protocol.Reason;
import io.flashgate.protocol.Reply;
import org.agrona.CloseHelper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * An {@link EngineGateway} over several engines (a primary and its standby): commands go only to the engine the
 * {@link PrimaryChoice} rule picks (PRIMARY or SOLO, highest epoch), and the choice follows a failover without a
 * restart (docs/ARCHITECTURE.md, "Hot standby and failover").
 *
 * <ul>
 *   <li>One small thread ({@code flashgate-edge-engines}) asks every engine QUERY_ENGINE every
 *       {@link #PROBE_INTERVAL} ({@link #FAST_PROBE_INTERVAL} while the followed engine leaves a probe unanswered),
 *       one probe per engine at a time; it sleeps in between.</li>
 *   <li>An engine that refuses a command with NOT_PRIMARY is dropped at once and every engine is asked again.</li>
 *   <li>With no engine chosen, a command is refused at once ({@link OverloadedException}: 503). A command sent to
 *       the old engine before a switch fails at once ({@link io.flashgate.client.PendingCommands#ENGINE_LEFT}) when
 *       the switch leaves it, with the new engine already followed. Nothing is sent again here: the caller knows
 *       which commands may be (the edge resends a purchase once, with its Idempotency-Key, so it can never make a
 *       second order; anything else becomes a 504 for the shopper to retry).</li>
 *   <li>Broadcast and new-order listeners are subscribed on every engine, but hear only the stream of the one whose
 *       history is followed (also while no engine takes commands for a moment); {@link #onEngineSwitch} listeners
 *       run, under the same lock, when the followed history changes, so the old engine's stream can never refill a
 *       cache after it was cleared.</li>
 * </ul>
 *
 * Futures complete on the member gateways' threads, as theirs do.
 *
 * <p>One file of over 400 lines: half of it is the eleven one-line forwards of the {@link EngineGateway} commands;
 * the rest (probes, choice, delivery to listeners) shares one lock and one view of the followed engine, which is
 * what keeps a cleared cache from being refilled by the old engine, so it stays together. The rule itself is
 * {@link PrimaryChoice}.
 */
public final class FollowingGateway implements EngineGateway
{
    private static final System.Logger LOG = System.getLogger("flashgate.client");
    /** How often every engine is asked what it is, while the followed one answers. */
    public static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    /**
     * How often while the followed engine leaves a probe unanswered for a whole interval (it may be dead, and its
     * standby about to be promoted), or for a few seconds after the edge lost the engine it followed: the switch to
     * a new primary then waits at most this long, not {@link #PROBE_INTERVAL}.
     */
    public static final Duration FAST_PROBE_INTERVAL = Duration.ofMillis(20);
    /** How long after losing the followed engine the edge keeps probing fast while it follows none. */
    private static final long FAST_AFTER_LOSS_NANOS = Duration.ofSeconds(5).toNanos();
    /** A candidate whose last answer is older than this is not switched to (ten probes unanswered). */
    public static final Duration STALE_AFTER = Duration.ofSeconds(1);

    private static final OverloadedException NO_PRIMARY =
        new OverloadedException("no engine answers as primary; retry shortly");

    /**
     * One engine of the set.
     *
     * @param endpoint how it is reached, as {@code GET /admin/engine} names it.
     * @param gateway  the client of that one engine; closed with this gateway.
     */
    public record Member(String endpoint, EngineGateway gateway)
    {
    }

    /** One engine over Aeron: its name and channels ({@link GatewayConfig#udp}). */
    public record AeronMember(String endpoint, GatewayConfig channels)
    {
    }

    private final List<Member> members;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final PrimaryChoice choice;
    private final AtomicBoolean[] probing;
    private final List<Runnable> switchListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService prober;
    private final long probeIntervalNanos;
    /** When the edge last followed an engine (prober thread). */
    private long lastFollowedNanos;
    /** The member commands go to, or {@link PrimaryChoice#NONE}; written under {@link #lock}. */
    private volatile int current = PrimaryChoice.NONE;
    private volatile boolean closed;

    private FollowingGateway(final List<Member> members, final Duration probeInterval)
    {
        this.probeIntervalNanos = probeInterval.toNanos();
        this.members = List.copyOf(members);
        this.choice = new PrimaryChoice(members.size(), STALE_AFTER.toNanos());
        this.probing = new AtomicBoolean[members.size()];
        for (int m = 0; m < probing.length; m++)
        {
            probing[m] = new AtomicBoolean();
        }
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable ->
        {
            final Thread thread = new Thread(runnable, "flashgate-edge-engines");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.prober = executor;
    }

    /** Follows {@code members} (at least one), which it closes when closed; probes them every {@link #PROBE_INTERVAL}. */
    public static FollowingGateway start(final List<Member> members)
    {
        return start(members, PROBE_INTERVAL);
    }

    /**
     * As {@link #start(List)}, probing every {@code probeInterval} (tests: a long interval leaves only the first
     * probe and the re-probes a NOT_PRIMARY refusal triggers).
     */
    public static FollowingGateway start(final List<Member> members, final Duration probeInterval)
    {
        final FollowingGateway gateway = new FollowingGateway(members, probeInterval);
        gateway.prober.execute(gateway::tick);
        return gateway;
    }

    /**
     * One {@link AeronEngineGateway} per engine, all on the caller's Aeron client (which this gateway does not
     * close), followed as {@link #start} does.
     */
    public static FollowingGateway overAeron(final Aeron aeron, final List<AeronMember> engines)
    {
        final List<Member> members = new ArrayList<>();
        try
        {
            for (final AeronMember engine : engines)
            {
                members.add(new Member(engine.endpoint(), AeronEngineGateway.start(aeron, engine.channels())));
            }
            return start(members);
        }
        catch (final RuntimeException ex)
        {
            members.forEach(member -> CloseHelper.quietClose(member.gateway()));
            throw ex;
        }
    }

    @Override
    public CompletableFuture<Reply> createSale(final String saleId, final int stock, final int limitPerUser,
        final long startsAtMs, final long endsAtMs, final int reservationTtlSeconds)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() :
            watch(m, gateway(m).createSale(saleId, stock, limitPerUser, startsAtMs, endsAtMs, reservationTtlSeconds));
    }

    @Override
    public CompletableFuture<Reply> adjustStock(final String saleId, final long delta)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).adjustStock(saleId, delta));
    }

    @Override
    public CompletableFuture<Reply> pause(final String saleId)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).pause(saleId));
    }

    @Override
    public CompletableFuture<Reply> resume(final String saleId)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).resume(saleId));
    }

    @Override
    public CompletableFuture<Reply> end(final String saleId)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).end(saleId));
    }

    @Override
    public CompletableFuture<Reply> querySale(final String saleId)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).querySale(saleId));
    }

    @Override
    public CompletableFuture<Reply> querySaleAt(final int index)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).querySaleAt(index));
    }

    @Override
    public CompletableFuture<Reply> purchase(final String saleId, final String userId, final String idempotencyKey,
        final long quantity)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() :
            watch(m, gateway(m).purchase(saleId, userId, idempotencyKey, quantity));
    }

    @Override
    public CompletableFuture<Reply> cancel(final long orderId, final String userId)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).cancel(orderId, userId));
    }

    @Override
    public CompletableFuture<Reply> confirm(final long orderId)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).confirm(orderId));
    }

    @Override
    public CompletableFuture<Reply> queryOrder(final long orderId, final String userId)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).queryOrder(orderId, userId));
    }

    @Override
    public CompletableFuture<Reply> request(final io.flashgate.client.SaleRequest request)
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).request(request));
    }

    /** The followed engine's figures: {@code GET /admin/engine} answers for the engine commands go to. */
    @Override
    public CompletableFuture<Reply> queryEngine()
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? refused() : watch(m, gateway(m).queryEngine());
    }

    @Override
    public void onBroadcast(final Consumer<Reply> listener)
    {
        for (int m = 0; m < members.size(); m++)
        {
            final int member = m;
            gateway(m).onBroadcast(reply -> deliver(member, listener, reply));
        }
    }

    @Override
    public void onOrderAccepted(final Consumer<Reply.Order> listener)
    {
        for (int m = 0; m < members.size(); m++)
        {
            final int member = m;
            gateway(m).onOrderAccepted(order -> deliver(member, listener, order));
        }
    }

    @Override
    public void onEngineSwitch(final Runnable listener)
    {
        switchListeners.add(listener);
    }

    /** An engine is followed and its channels are up. */
    @Override
    public boolean isEngineReachable()
    {
        final int m = current;
        return m != PrimaryChoice.NONE && gateway(m).isEngineReachable();
    }

    @Override
    public List<FollowedEngine> engines()
    {
        final long now = System.nanoTime();
        final List<FollowedEngine> out = new ArrayList<>(members.size());
        synchronized (lock)
        {
            for (int m = 0; m < members.size(); m++)
            {
                out.add(new FollowedEngine(members.get(m).endpoint(), choice.role(m), choice.epoch(m),
                    gateway(m).isEngineReachable() && choice.answersRecently(m, now), m == choice.current()));
            }
        }
        return out;
    }

    /** The endpoint commands go to now, or null while none is chosen. */
    public String followedEndpoint()
    {
        final int m = current;
        return m == PrimaryChoice.NONE ? null : members.get(m).endpoint();
    }

    /** Times the followed history changed (failovers seen by this edge). */
    public long switchCount()
    {
        synchronized (lock)
        {
            return choice.switches();
        }
    }

    /** Waits (sleeping 1 ms steps) until an engine is followed and reachable; for start-up and tests. */
    public boolean awaitFollowing(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!isEngineReachable())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Stops probing and closes every member: what waits on one completes with {@link ResultUnknownException}. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        prober.shutdownNow();
        try
        {
            prober.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        members.forEach(member -> CloseHelper.quietClose(member.gateway()));
    }

    private EngineGateway gateway(final int member)
    {
        return members.get(member).gateway();
    }

    private static CompletableFuture<Reply> refused()
    {
        return CompletableFuture.failedFuture(NO_PRIMARY);
    }

    /** A NOT_PRIMARY answer drops that engine at once and asks every engine again. */
    private CompletableFuture<Reply> watch(final int member, final CompletableFuture<Reply> reply)
    {
        reply.thenAccept(answer ->
        {
            if (answer instanceof Reply.Rejected rejected && rejected.reason() == Reason.NOT_PRIMARY)
            {
                synchronized (lock)
                {
                    choice.refused(member);
                    choose();
                }
                probeSoon();
            }
        });
        return reply;
    }

    /**
     * Passes an event of {@code member}'s stream on if the edge follows that engine's history, also while no engine
     * is eligible for commands for a moment: an event dropped then was lost for good once the same engine was chosen
     * again (no switch, so nothing refilled the caches), and a sold-out sale stayed open in them.
     */
    private <T> void deliver(final int member, final Consumer<T> listener, final T event)
    {
        synchronized (lock)
        {
            if (choice.followed() == member)
            {
                listener.accept(event);
            }
        }
    }

    private void probeSoon()
    {
        if (!closed)
        {
            try
            {
                prober.execute(this::probeAll);
            }
            catch (final RuntimeException ex)
            {
                // closing: nothing to ask any more
            }
        }
    }

    /** On the prober's thread: the periodic probe, and the next one scheduled sooner while a failover may be on. */
    private void tick()
    {
        // Judged before this turn's probes go out: a probe of the followed engine still outstanding now has gone a
        // whole interval unanswered.
        final long now = System.nanoTime();
        final int followed = current;
        final boolean failoverLikely = followed != PrimaryChoice.NONE ? probing[followed].get() :
            lastFollowedNanos != 0 && now - lastFollowedNanos < FAST_AFTER_LOSS_NANOS;
        try
        {
            probeAll();
        }
        finally
        {
            // whatever a turn met, the edge keeps asking: a stopped prober would never follow a failover again
            if (current != PrimaryChoice.NONE)
            {
                lastFollowedNanos = now;
            }
            scheduleTick(failoverLikely ? Math.min(FAST_PROBE_INTERVAL.toNanos(), probeIntervalNanos) :
                probeIntervalNanos);
        }
    }

    private void scheduleTick(final long delayNanos)
    {
        if (closed)
        {
            return;
        }
        try
        {
            prober.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        }
        catch (final RuntimeException ex)
        {
            // closing: nothing to ask any more
        }
    }

    /** On the prober's thread: asks every engine with no probe outstanding. */
    private void probeAll()
    {
        for (int m = 0; m < members.size() && !closed; m++)
        {
            if (!gateway(m).isEngineReachable())
            {
                synchronized (lock)
                {
                    choice.unreachable(m);
                    choose();
                }
                continue;
            }
            if (!probing[m].compareAndSet(false, true))
            {
                continue;
            }
            final int member = m;
            CompletableFuture<Reply> probe;
            try
            {
                probe = gateway(m).queryEngine();
            }
            catch (final RuntimeException ex)
            {
                probe = CompletableFuture.failedFuture(ex);
            }
            probe.whenComplete((reply, failure) -> probed(member, reply, failure));
        }
    }

    /** On the member's thread (or the prober's, for a probe refused at once). */
    private void probed(final int member, final Reply reply, final Throwable failure)
    {
        probing[member].set(false);
        synchronized (lock)
        {
            if (reply instanceof Reply.EngineStatus status && status.role() != null)
            {
                choice.answered(member, status.role(), status.epoch(), System.nanoTime());
            }
            else if (reply != null)
            {
                choice.refused(member);
            }
            else if (PendingCommands.causeOf(failure) instanceof ResultUnknownException)
            {
                choice.unreachable(member);
            }
            // refused by back-pressure: it said nothing about what it is; the next probe asks again
            choose();
        }
    }

    /** Under {@link #lock}: applies the rule, and tells the switch listeners before any new broadcast passes. */
    private void choose()
    {
        final int before = current;
        final boolean switched = choice.update(System.nanoTime());
        // The listeners (the edge's caches) hear of a switch before commands and readers see the new engine.
        if (switched)
        {
            for (final Runnable listener : switchListeners)
            {
                try
                {
                    listener.run();
                }
                catch (final RuntimeException ex)
                {
                    ex.printStackTrace();
                }
            }
        }
        current = choice.current();
        if (before != current)
        {
            // Which engine commands go to, for the operator reading a failover from the edge's log.
            LOG.log(System.Logger.Level.WARNING, "engine.followed endpoint=" + (current == PrimaryChoice.NONE ? "none" :
                members.get(current).endpoint() + " role=" + choice.role(current) + " epoch=" + choice.epoch(current)) +
                " was=" + (before == PrimaryChoice.NONE ? "none" : members.get(before).endpoint()));
        }
        if (before != PrimaryChoice.NONE && before != current)
        {
            // The engine left (for another, or for none while no engine is primary) is unreachable, fenced or no
            // longer primary: what waits on it is answered now (504, retried with its key on the next primary), not
            // after the reply timeout. The followed engine is never left for being slow to answer a probe.
            members.get(before).gateway().abandonWaiting();
        }
    }
}
