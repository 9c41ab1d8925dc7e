package io.flashgate.engine.transport;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.protocol.BatchReader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code flashgate-ingress} agent: polls the command subscription and hands each message's commands to the
 * engine's ring, all of a message or none ({@link Engine#offerAll}). When the ring cannot take them the fragment is
 * ABORTed, so the image does not advance, the receiver window closes and the edges' publications see
 * {@code BACK_PRESSURED}, which they answer as 503; the message comes again whole, so no command is taken twice.
 *
 * <p>A message that is torn (a frame running past its end) or holds more commands than the ring has slots cannot
 * come from a gateway: it is dropped whole and counted, and the next message is read afresh.
 *
 * <p>A faulted engine ({@link Engine#fault()}) takes nothing: {@link FaultAnswers} refuses each command at once. Nor
 * does an engine that is not its pair's releasing primary ({@link RefusalAnswers}).
 */
final class IngressPoller implements Agent, ControlledFragmentHandler
{
    private final Subscription ingress;
    private final Engine engine;
    private final int fragmentLimit;
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this);
    private final BatchReader commands = new BatchReader();
    private final FaultAnswers faultAnswers;
    private final RefusalAnswers refusals;
    final AtomicLong received = new AtomicLong();
    final AtomicLong messages = new AtomicLong();
    final AtomicLong aborts = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();

    IngressPoller(final Subscription ingress, final Engine engine, final int fragmentLimit,
        final FaultAnswers faultAnswers, final RefusalAnswers refusals)
    {
        this.refusals = refusals;
        this.faultAnswers = faultAnswers;
        this.ingress = ingress;
        this.engine = engine;
        this.fragmentLimit = fragmentLimit;
    }

    private boolean aborted;

    @Override
    public int doWork()
    {
        aborted = false;
        final int taken = ingress.controlledPoll(assembler, fragmentLimit);
        // An ABORTed fragment is not counted by Aeron, but a full ring is work waiting, not silence: without this the
        // idle strategy would deepen its parks while back-pressured and sleep on after the ring drains.
        final int fragments = aborted ? Math.max(1, taken) : taken;
        return engine.fault() == null ? fragments : fragments + faultAnswers.announce();
    }

    @Override
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int count = commands.wrap(buffer, offset, length).remainingFrames();
        if (count < 1 || count > engine.ringSize())
        {
            malformed.lazySet(malformed.get() + 1);
            return Action.CONTINUE;
        }
        final io.flashgate.protocol.Reason refusal = engine.pair().refusal();
        if (refusal != null)
        {
            refusals.answer(commands, refusal);
            return Action.CONTINUE;
        }
        if (engine.offerAll(commands, count))
        {
            received.lazySet(received.get() + count);
            messages.lazySet(messages.get() + 1);
            return Action.CONTINUE;
        }
        if (engine.fault() != null)
        {
            return faultAnswers.refuse(commands);
        }
        aborts.lazySet(aborts.get() + 1);
        aborted = true;
        return Action.ABORT;
    }

    @Override
    public String roleName()
    {
        return "flashgate-ingress";
    }
}
