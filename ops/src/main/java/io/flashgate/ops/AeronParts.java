package io.flashgate.ops;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.exceptions.DriverTimeoutException;
import io.flashgate.config.FlashgateConfig;
import io.flashgate.client.aeron.AeronEngineGateway;
import io.flashgate.client.aeron.DutyCycle;
import io.flashgate.client.aeron.GatewayConfig;
import io.flashgate.client.follow.FollowingGateway;
import io.flashgate.engine.pipeline.EngineConfig;
import io.flashgate.engine.transport.EmbeddedDriver;
import io.flashgate.engine.transport.AeronEngine;
import io.flashgate.engine.transport.TransportConfig;
import io.flashgate.client.aeron.IdleChoice;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The Aeron parts the composition roots share, each built from the settings tree and added to the process's
 * {@link StartedParts} so it closes in reverse order.
 */
final class AeronParts
{
    private AeronParts()
    {
    }

    /**
     * The process's one Aeron thread ({@value EmbeddedDriver#THREAD_NAME}): it runs the embedded media driver, the
     * client conductor and every poller (the engine's ingress, the edge's replies) in one duty cycle
     * ({@link DutyCycle}), waiting as {@code transport.pollerIdle} says. Closed after everything that uses it.
     */
    static DutyCycle dutyCycle(final FlashgateConfig config, final StartedParts parts)
    {
        return parts.add(DutyCycle.start(EmbeddedDriver.THREAD_NAME, config.transport().pollerIdle().newStrategy()));
    }

    /**
     * As {@link #dutyCycle(FlashgateConfig, StartedParts)}, for a process whose channels are all IPC: on the default
     * {@code BACKOFF} it parks for the timers alone ({@link DutyCycle#signalledIdle()}), since every message arrives
     * with a signal; {@code YIELDING} and {@code BUSY_SPIN} keep their meaning.
     */
    static DutyCycle ipcDutyCycle(final FlashgateConfig config, final StartedParts parts)
    {
        final IdleChoice idle = config.transport().pollerIdle();
        return parts.add(DutyCycle.start(EmbeddedDriver.THREAD_NAME,
            idle == IdleChoice.BACKOFF ? DutyCycle.signalledIdle() : idle.newStrategy()));
    }

    /**
     * The media driver's folder: an embedded driver's (in {@code transport.aeronDir}, or a fresh one) run by the
     * process's duty cycle, else the running driver's ({@code transport.aeronDir}, or Aeron's default).
     */
    static String driver(final FlashgateConfig config, final DutyCycle dutyCycle, final StartedParts parts)
    {
        final FlashgateConfig.Transport transport = config.transport();
        if (!transport.embeddedDriver())
        {
            return transport.aeronDirectory().orElseGet(CommonContext::getAeronDirectoryName);
        }
        final EmbeddedDriver driver = parts.add(EmbeddedDriver.start(
            transport.aeronDirectory().orElseGet(EmbeddedDriver::uniqueDirectory), dutyCycle, context -> { }));
        return driver.aeronDirectory();
    }

    /**
     * The engine behind its transport ({@link AeronEngine}: channels, engine on the egress sink, ingress polling),
     * with the pollers' idle strategy of the settings. A journal fault ends the process with code 4 after a short
     * drain ({@link JournalFaultExit}).
     */
    static AeronEngine engine(final FlashgateConfig config, final Aeron aeron, final TransportConfig channels,
        final FaultSignal faults, final StartedParts parts) throws IOException
    {
        final AeronEngine engine = parts.add(AeronEngine.start(aeron,
            channels.withIdle(config.transport().pollerIdle()), EngineConfig.of(config)));
        JournalFaultExit.watch(engine.engine(), faults);
        return engine;
    }

    /**
     * The process's one Aeron client of the driver in {@code aeronDirectory}: engine transport and edge gateway
     * share it, so a process has one client conductor thread, not one per part. A lost driver (no heartbeat for
     * {@code transport.driverTimeoutMillis}) raises exit {@value ExitCodes#DRIVER_LOST} on {@code faults}
     * ({@link DriverWatch}); no driver answering at start is the same fault. Its conductor runs on the process's
     * duty cycle, so every part that uses this client polls on that thread too.
     */
    static Aeron client(final FlashgateConfig config, final DutyCycle dutyCycle, final String aeronDirectory,
        final FaultSignal faults, final StartedParts parts) throws ProcessFault
    {
        final long timeoutMillis = config.transport().driverTimeoutMillis();
        final DriverWatch watch = new DriverWatch(aeronDirectory, timeoutMillis, faults, System.err);
        final Aeron aeron;
        try
        {
            aeron = dutyCycle.connect(watch.context());
        }
        catch (final DriverTimeoutException ex)
        {
            throw DriverWatch.absent(aeronDirectory, timeoutMillis);
        }
        parts.add(watch.closing(aeron));
        return aeron;
    }

    /** The edge's client of the engine, with the reply timeout and poller idle strategy of the settings. */
    static AeronEngineGateway gateway(final FlashgateConfig config, final Aeron aeron, final GatewayConfig channels,
        final StartedParts parts)
    {
        return parts.add(AeronEngineGateway.start(aeron, channels.withIdle(config.transport().pollerIdle())
            .withReplyTimeout(Duration.ofMillis(config.edge().replyTimeoutMillis()))));
    }

    /**
     * The edge's client of every engine of {@code transport.engines} over UDP, one {@link AeronEngineGateway} each on
     * the process's client, with the settings' reply timeout and idle strategy; it follows the primary of the
     * highest epoch ({@link FollowingGateway}).
     */
    static FollowingGateway followingGateway(final FlashgateConfig config, final Aeron aeron,
        final String aeronDirectory, final StartedParts parts)
    {
        final FlashgateConfig.Transport transport = config.transport();
        final List<FollowingGateway.AeronMember> engines = transport.engineList().stream()
            .map(engine -> new FollowingGateway.AeronMember(engine.toString(),
                GatewayConfig.udp(aeronDirectory, engine.ingress(), engine.egress(), transport.edgeHost())
                    .withIdle(transport.pollerIdle())
                    .withReplyTimeout(Duration.ofMillis(config.edge().replyTimeoutMillis()))))
            .toList();
        return parts.add(FollowingGateway.overAeron(aeron, engines));
    }

    /** Waits (30 s at most) for the in-process engine to answer over Aeron before the edge opens. */
    static void awaitEngine(final AeronEngineGateway gateway) throws IOException
    {
        try
        {
            if (!gateway.awaitReachable(Duration.ofSeconds(30)))
            {
                throw new IOException("the engine did not answer over Aeron within 30 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the engine", ex);
        }
    }
}
