package io.flashgate.client.aeron;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.flashgate.client.CommandSender;
import io.flashgate.client.EngineGateway;
import io.flashgate.client.OverloadedException;
import io.flashgate.client.PendingCommands;
import io.flashgate.client.ReplyRouter;
import io.flashgate.client.ResultUnknownException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.status.AtomicCounter;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link EngineGateway} over Aeron: one exclusive publication to the engine's ingress
 * ({@link AeronCommandChannel}, which sends the commands of concurrent callers together), one subscription to the engine's egress, shared by all edges: each keeps only
 * the replies carrying its source id, and every broadcast ({@link ReplyRouter}).
 *
 * <p>Never blocks the caller: an offer that Aeron refuses completes the future at once with
 * {@link OverloadedException}; a command with no reply within {@link GatewayConfig#replyTimeout()} completes
 * with {@link ResultUnknownException}. Reachability is a probe's round trip ({@link EngineLiveness}).
 *
 * <p>One agent ({@link ReplyPoller}) reads replies, sweeps deadlines and probes: on the {@link DutyCycle} that runs
 * the client's conductor (and the media driver, when embedded), so a reply goes from the socket to its future on one
 * thread; on a client with a conductor thread of its own, on a thread of its own. Futures complete and the listeners
 * run on that thread: keep callbacks short or hop to an executor. A command sent signals the duty cycle, whose driver
 * sends it (or, over IPC, whose engine poller reads it) at once.
 */
public final class AeronEngineGateway extends CommandSender
{
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final GatewayConfig config;
    private final AeronCommandChannel commands;
    private final EngineLiveness liveness;
    private final AgentRunner runner;
    private final DutyCycle dutyCycle;
    private final ReplyPoller poller;

    private AeronEngineGateway(final Aeron aeron, final boolean ownsAeron, final GatewayConfig config,
        final AeronCommandChannel commands, final EngineLiveness liveness, final PendingCommands pending,
        final AtomicLong correlationIds)
    {
        super(config.sourceId(), commands, pending,
            new ReplyRouter(config.sourceId(), pending, liveness::claimProbeReply), correlationIds);
        this.aeron = aeron;
        this.ownsAeron = ownsAeron;
        this.config = config;
        this.commands = commands;
        this.liveness = liveness;
        this.dutyCycle = DutyCycle.of(aeron);
        this.poller = new ReplyPoller(router(), pending, liveness, commands, config);
        if (dutyCycle != null)
        {
            this.runner = null;
            dutyCycle.add(poller);
            return;
        }
        this.runner = new AgentRunner(config.idle().newStrategy(), Throwable::printStackTrace, (AtomicCounter)null,
            poller);
        AgentRunner.startOnThread(runner, runnable ->
        {
            final Thread thread = new Thread(runnable, "flashgate-edge-poller-" + config.sourceId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Connects its own Aeron client to {@code config.aeronDirectory()} (closed with the gateway), starts polling. */
    public static AeronEngineGateway start(final GatewayConfig config)
    {
        final Aeron.Context context = new Aeron.Context();
        if (config.aeronDirectory() != null)
        {
            context.aeronDirectoryName(config.aeronDirectory());
        }
        final Aeron aeron = Aeron.connect(context);
        try
        {
            return start(aeron, true, config);
        }
        catch (final RuntimeException ex)
        {
            aeron.close();
            throw ex;
        }
    }

    /** Uses a client of the caller's, which the gateway does not close; starts polling. */
    public static AeronEngineGateway start(final Aeron aeron, final GatewayConfig config)
    {
        return start(aeron, false, config);
    }

    private static AeronEngineGateway start(final Aeron aeron, final boolean ownsAeron, final GatewayConfig config)
    {
        AeronCommandChannel commands = null;
        EngineLiveness liveness = null;
        try
        {
            final ExclusivePublication ingress =
                aeron.addExclusivePublication(config.ingressChannel(), config.ingressStreamId());
            final PendingCommands pending = new PendingCommands(config.replyTimeout());
            final DutyCycle cycle = DutyCycle.of(aeron);
            commands = new AeronCommandChannel(ingress, pending::refuse, cycle == null ? null : cycle::signal);
            final AtomicLong correlationIds = new AtomicLong();
            liveness = new EngineLiveness(aeron, config, commands, correlationIds);
            return new AeronEngineGateway(aeron, ownsAeron, config, commands, liveness, pending, correlationIds);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(liveness, commands);
            throw ex;
        }
    }

    public GatewayConfig config()
    {
        return config;
    }

    /**
     * The engine subscribes to our commands, we receive its event stream (Aeron heartbeats keep both alive) and a
     * probe has made the round trip since the engine's stream (re)appeared; never once the Aeron client closed (its
     * media driver was lost).
     */
    @Override
    public boolean isEngineReachable()
    {
        return !aeron.isClosed() && liveness.isReachable() && !router().isEngineFaulted();
    }

    /** Aeron-level connectivity both ways, without the probe's round trip (a hung engine still has this). */
    public boolean areChannelsConnected()
    {
        return liveness.areChannelsConnected();
    }

    /** Waits (sleeping 1 ms steps) until {@link #isEngineReachable()}; for start-up and tests. */
    public boolean awaitReachable(final Duration timeout) throws InterruptedException
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

    /** Commands sent to the engine; with {@link #commandMessages()}, how many share a message. */
    public long commandsSent()
    {
        return commands.commandsSent();
    }

    /** Messages sent to the engine's ingress (each carries the commands gathered while another was sent). */
    public long commandMessages()
    {
        return commands.messagesSent();
    }

    /** Messages of the engine's stream whose framing was torn (the events after the tear were skipped). */
    public long tornMessageCount()
    {
        return router().tornMessageCount();
    }

    /** Times the egress subscription was made anew because the engine stopped answering probes. */
    public long resubscriptionCount()
    {
        return liveness.resubscriptionCount();
    }

    @Override
    public void abandonWaiting()
    {
        pending().failAll(io.flashgate.client.PendingCommands.ENGINE_LEFT);
    }

    /**
     * Stops the poller, closes the channels (and the client if owned); commands sent and waiting get
     * ResultUnknownException, commands gathered but not yet sent are refused (OverloadedException, CLOSED).
     */
    @Override
    public void close()
    {
        if (!commands.markClosed())
        {
            return;
        }
        if (runner != null)
        {
            CloseHelper.quietClose(runner);
        }
        else
        {
            dutyCycle.remove(poller);
        }
        CloseHelper.quietCloseAll(commands, liveness);
        pending().failAll();
        if (ownsAeron)
        {
            CloseHelper.quietClose(aeron);
        }
    }
}
