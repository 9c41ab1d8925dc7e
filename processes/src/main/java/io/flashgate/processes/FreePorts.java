package io.flashgate.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for something to listen on a moment later (a child process, an Aeron endpoint, a relay). A port the OS just
 * freed from its ephemeral range is not one: the kernel also picks the local port of every outgoing connection and
 * every socket bound to port 0 from that range, so on a busy machine one of those can take it between the pick and
 * the bind ("Address already in use", a child exiting 3). These come from just below that range, where only explicit
 * binds land; each is checked free now and handed out once per JVM. Test JVMs run side by side (modules in parallel,
 * several forks of one module), so a port is also claimed across JVMs: a lock on a file named after it, held until
 * this JVM ends (the OS drops it even on SIGKILL).
 */
public final class FreePorts
{
    private static final int SPAN = 8_000;
    private static final int LOW = Math.max(1_024, ephemeralLow() - SPAN);
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(SPAN));
    private static final Path CLAIMS = Path.of(System.getProperty("java.io.tmpdir"), "flashgate-test-ports");
    /** The claims this JVM holds: kept open (and so locked) until it ends. */
    private static final List<FileChannel> HELD = new ArrayList<>();

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
            if ((tcp ? tcpFree(port) : udpFree(port)) && claim(port))
            {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + LOW + ".." + (LOW + SPAN - 1));
    }

    /** True if no other JVM holds {@code port}'s claim, which this one now holds until it ends. */
    private static synchronized boolean claim(final int port)
    {
        try
        {
            Files.createDirectories(CLAIMS);
            final FileChannel channel = FileChannel.open(CLAIMS.resolve(Integer.toString(port)),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException heldHere)
            {
                channel.close();
                return false;
            }
            if (lock == null)
            {
                channel.close();
                return false;
            }
            HELD.add(channel);
            return true;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot claim port " + port + " in " + CLAIMS, ex);
        }
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
