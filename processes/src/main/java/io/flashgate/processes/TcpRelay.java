package io.flashgate.processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link a test can cut and heal (as {@link UdpRelay} does for UDP): connections to {@link #endpoint()} go on to
 * {@code target}. {@link #cut()} closes every open connection and closes each new one at once, so the client sees a
 * server it cannot reach (a ZooKeeper client then tries its other servers, which a test cuts too). Threads are
 * daemons; {@link #close()} stops them.
 */
public final class TcpRelay implements AutoCloseable
{
    private final InetSocketAddress target;
    private final ServerSocket front;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean cut;
    private volatile boolean running = true;

    private TcpRelay(final InetSocketAddress target) throws IOException
    {
        this.target = target;
        this.front = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "tcp-relay-" + front.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay to {@code host:port}. */
    public static TcpRelay to(final String hostPort) throws IOException
    {
        final int colon = hostPort.lastIndexOf(':');
        return new TcpRelay(new InetSocketAddress(hostPort.substring(0, colon),
            Integer.parseInt(hostPort.substring(colon + 1))));
    }

    /** Where clients connect: {@code 127.0.0.1:port}. */
    public String endpoint()
    {
        return "127.0.0.1:" + front.getLocalPort();
    }

    /** Closes every connection through the relay and every new one, until {@link #heal()}. */
    public void cut()
    {
        cut = true;
        open.forEach(TcpRelay::closeQuietly);
        open.clear();
    }

    public void heal()
    {
        cut = false;
    }

    private void accept()
    {
        while (running)
        {
            try
            {
                final Socket client = front.accept();
                if (cut)
                {
                    closeQuietly(client);
                    continue;
                }
                final Socket server = new Socket();
                try
                {
                    server.connect(target, 2_000);
                }
                catch (final IOException ex)
                {
                    closeQuietly(client);
                    closeQuietly(server);
                    continue;
                }
                open.add(client);
                open.add(server);
                pipe(client, server);
                pipe(server, client);
            }
            catch (final IOException ex)
            {
                if (!running)
                {
                    return;
                }
            }
        }
    }

    private void pipe(final Socket from, final Socket to)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
            {
                int read;
                while ((read = in.read(buffer)) >= 0)
                {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            catch (final IOException ignored)
            {
                // one side closed or cut: close both below
            }
            finally
            {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-relay-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // closing
        }
    }

    @Override
    public void close()
    {
        running = false;
        cut();
        try
        {
            front.close();
            acceptor.join(2_000);
        }
        catch (final IOException ignored)
        {
            // closing
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
