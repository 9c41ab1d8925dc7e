package io.flashgate.engine.transport;

import io.aeron.driver.DataPacketDispatcher;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.media.ReceiveChannelEndpoint;
import io.aeron.driver.media.SendChannelEndpoint;
import io.aeron.driver.media.UdpChannel;
import io.flashgate.client.aeron.SocketWaitIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The embedded driver's UDP endpoints, as Aeron's own, except that each socket they open is also handed to the duty
 * cycle's {@link SocketWaitIdleStrategy}, so a datagram on it (a command, a reply, a status message or a NAK) ends the
 * duty thread's wait. The driver still reads its sockets itself; this only adds a wake-up.
 */
final class WatchedSockets
{
    private WatchedSockets()
    {
    }

    /** Makes the driver of {@code context} open its UDP endpoints through these classes. */
    static void install(final MediaDriver.Context context, final SocketWaitIdleStrategy wait)
    {
        context.receiveChannelEndpointSupplier((udpChannel, dispatcher, statusIndicator, driverContext) ->
            new Receiving(udpChannel, dispatcher, statusIndicator, driverContext, wait));
        context.sendChannelEndpointSupplier((udpChannel, statusIndicator, driverContext) ->
            new Sending(udpChannel, statusIndicator, driverContext, wait));
    }

    /** A subscription's socket: the data that arrives on it. */
    static final class Receiving extends ReceiveChannelEndpoint
    {
        private final SocketWaitIdleStrategy wait;

        Receiving(final UdpChannel udpChannel, final DataPacketDispatcher dispatcher,
            final AtomicCounter statusIndicator, final MediaDriver.Context context, final SocketWaitIdleStrategy wait)
        {
            super(udpChannel, dispatcher, statusIndicator, context);
            this.wait = wait;
        }

        @Override
        public void openChannel()
        {
            super.openChannel();
            wait.register(receiveDatagramChannel()); // none for a manual multi-destination channel
        }

        @Override
        public void close()
        {
            wait.unregister(receiveDatagramChannel());
            super.close();
        }
    }

    /** A publication's socket: the status messages and NAKs its subscribers send back. */
    static final class Sending extends SendChannelEndpoint
    {
        private final SocketWaitIdleStrategy wait;

        Sending(final UdpChannel udpChannel, final AtomicCounter statusIndicator, final MediaDriver.Context context,
            final SocketWaitIdleStrategy wait)
        {
            super(udpChannel, statusIndicator, context);
            this.wait = wait;
        }

        @Override
        public void openChannel()
        {
            super.openChannel();
            wait.register(receiveDatagramChannel());
        }

        @Override
        public void close()
        {
            wait.unregister(receiveDatagramChannel());
            super.close();
        }
    }
}
