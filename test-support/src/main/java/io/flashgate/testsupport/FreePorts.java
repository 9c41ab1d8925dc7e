package io.flashgate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;

/** Ports the OS says are free right now, so that tests never collide with each other or with a running Flashgate. */
public final class FreePorts
{
    private FreePorts()
    {
    }

    public static int tcp()
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    public static int udp()
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@code 127.0.0.1:<free UDP port>}, an Aeron endpoint. */
    public static String udpEndpoint()
    {
        return "127.0.0.1:" + udp();
    }
}
