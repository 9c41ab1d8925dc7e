package io.flashgate.processes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP link a test can cut and heal: datagrams sent to {@link #endpoint()} go on to {@code target}, and whatever the
 * target answers (Aeron's status messages and NAKs go back to the sender's address) comes back to the sender it
 * answers, through a socket of the relay's per sender. While cut, every datagram either way is dropped: to both
 * ends the other side falls silent, as when a network link fails, without either process being touched.
 * One thread; {@link #close()} stops it.
 */
public final class UdpRelay implements AutoCloseable
{
    private final InetSocketAddress target;
    private final Selector selector;
    private final DatagramChannel front;
    private final Map<SocketAddress, DatagramChannel> backBySender = new HashMap<>();
    private final Thread thread;
    private volatile boolean cut;
    private volatile boolean running = true;
    private final AtomicLong dropped = new AtomicLong();

    private UdpRelay(final InetSocketAddress target) throws IOException
    {
        this.target = target;
        this.selector = Selector.open();
        this.front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        front.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        front.configureBlocking(false);
        front.register(selector, SelectionKey.OP_READ, null);
        this.thread = new Thread(this::run, "udp-relay-" + target.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** A relay on a free loopback port to {@code host:port}. */
    public static UdpRelay to(final String hostPort) throws IOException
    {
        final int colon = hostPort.lastIndexOf(':');
        return new UdpRelay(new InetSocketAddress(hostPort.substring(0, colon),
            Integer.parseInt(hostPort.substring(colon + 1))));
    }

    /** Where to send instead of the target: {@code 127.0.0.1:port}. */
    public String endpoint()
    {
        try
        {
            return "127.0.0.1:" + ((InetSocketAddress)front.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Drops everything either way from now on. */
    public void cut()
    {
        cut = true;
    }

    /** Carries datagrams again. */
    public void heal()
    {
        cut = false;
    }

    public long dropped()
    {
        return dropped.get();
    }

    private void run()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        try
        {
            while (running)
            {
                if (selector.select(50) == 0)
                {
                    continue;
                }
                for (final SelectionKey key : selector.selectedKeys())
                {
                    final DatagramChannel channel = (DatagramChannel)key.channel();
                    while (true)
                    {
                        buffer.clear();
                        final SocketAddress from = channel.receive(buffer);
                        if (from == null)
                        {
                            break;
                        }
                        buffer.flip();
                        if (cut)
                        {
                            dropped.incrementAndGet();
                            continue;
                        }
                        if (channel == front)
                        {
                            backFor(from).send(buffer, target);
                        }
                        else
                        {
                            front.send(buffer, (SocketAddress)key.attachment());
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        }
        catch (final IOException ex)
        {
            if (running)
            {
                ex.printStackTrace();
            }
        }
    }

    private DatagramChannel backFor(final SocketAddress sender) throws IOException
    {
        DatagramChannel back = backBySender.get(sender);
        if (back == null)
        {
            back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            back.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            back.configureBlocking(false);
            back.register(selector, SelectionKey.OP_READ, sender);
            backBySender.put(sender, back);
        }
        return back;
    }

    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(5_000);
            for (final DatagramChannel back : backBySender.values())
            {
                back.close();
            }
            front.close();
            selector.close();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
