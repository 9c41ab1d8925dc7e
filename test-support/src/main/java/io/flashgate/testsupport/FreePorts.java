package io.flashgate.testsupport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for something to listen on a moment later (a child process, an Aeron endpoint, a relay). A port the OS just
 * freed from its ephemeral range is not one: the kernel also picks the local port of every outgoing connection and
 * every socket bound to port 0 from that range, so on a busy machine one of those can take it between the pick and
 * the bind ("Address already in use", a child exiting 3). These come from just below that range, where only explicit
 * binds land; each is checked free now and handed out once per JVM.
 */
public final class FreePorts
{
    private static final int SPAN = 8_000;
    private static final int LOW = Math.max(1_024, ephemeralLow() - SPAN);
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(SPAN));

    private FreePorts()
    {
    }

    public static int tcp()
    {
        return next(true);
    }

    public static int udp()
    {
        return next(false);
    }

    /** {@code 127.0.0.1:<free UDP port>}, an Aeron endpoint. */
    public static String udpEndpoint()
    {
        return "127.0.0.1:" + udp();
    }

    private static int next(final boolean tcp)
    {
        for (int tries = 0; tries < SPAN; tries++)
        {
            final int port = LOW + Math.floorMod(NEXT.getAndIncrement(), SPAN);
            if (tcp ? tcpFree(port) : udpFree(port))
            {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + LOW + ".." + (LOW + SPAN - 1));
    }

    private static boolean tcpFree(final int port)
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return udpFree(port); // Aeron and the engines may want the same number on UDP
        }
        catch (final IOException taken)
        {
            return false;
        }
    }

    private static boolean udpFree(final int port)
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
        {
            return true;
        }
        catch (final IOException taken)
        {
            return false;
        }
    }

    private static int ephemeralLow()
    {
        try
        {
            // read line by line: a /proc file says its size is 0, so a read of "the whole file" may stop short
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                .trim().split("\\s+")[0]);
        }
        catch (final IOException | RuntimeException notLinux)
        {
            return 32_768;
        }
    }
}
