package io.flashgate.client.aeron;

import io.aeron.FragmentAssembler;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.flashgate.client.PendingCommands;
import io.flashgate.client.ReplyRouter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

/**
 * The client's one thread ({@code flashgate-edge-poller-<sourceId>}): reads the engine's event stream (each message a
 * batch of events) into the {@link ReplyRouter}, expires commands past their reply timeout, and lets {@link EngineLiveness} probe.
 */
final class ReplyPoller implements Agent, FragmentHandler
{
    private final ReplyRouter router;
    private final PendingCommands pending;
    private final EngineLiveness liveness;
    private final AeronCommandChannel commands;
    private final int fragmentLimit;
    private final String roleName;
    private final FragmentAssembler assembler = new FragmentAssembler(this);

    ReplyPoller(final ReplyRouter router, final PendingCommands pending, final EngineLiveness liveness,
        final AeronCommandChannel commands, final GatewayConfig config)
    {
        this.commands = commands;
        this.router = router;
        this.pending = pending;
        this.liveness = liveness;
        this.fragmentLimit = config.fragmentLimit();
        this.roleName = "flashgate-edge-poller-" + config.sourceId();
    }

    @Override
    public int doWork()
    {
        final long now = System.nanoTime();
        return liveness.egress().poll(assembler, fragmentLimit) + pending.expire(now) + liveness.probe(now) +
            commands.flushGathered();
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        liveness.fragmentFrom(header.sessionId());
        router.onMessage(buffer, offset, length);
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
