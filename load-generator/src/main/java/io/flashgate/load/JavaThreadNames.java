package io.flashgate.load;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The full Java names of a JVM's threads by kernel thread id, from a thread dump ({@code nid=} is the kernel id):
 * the kernel keeps only 15 characters of a name, which cannot tell "flashgate-edge-poller-1" from
 * "flashgate-edge-reply-3". This JVM's dump comes from its DiagnosticCommand MBean; another JVM's from
 * {@code jcmd PID Thread.print}, taken only when a name is ambiguous. Empty when neither works.
 */
final class JavaThreadNames
{
    /** {@code "name" #12 daemon prio=5 ... tid=0x... nid=0x1c03 ...}; JDK 19+ prints nid in decimal. */
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" .*?\\bnid=(0x[0-9a-fA-F]+|\\d+)\\b",
        Pattern.MULTILINE);

    private JavaThreadNames()
    {
    }

    /** This JVM's threads. */
    static Map<Long, String> ofThisJvm()
    {
        try
        {
            final Object dump = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return parse(String.valueOf(dump));
        }
        catch (final Exception ex)
        {
            return Map.of();
        }
    }

    /** Another JVM's threads, through jcmd (bounded to 15 s). */
    static Map<Long, String> ofJvm(final long pid)
    {
        final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try
        {
            final Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                .redirectErrorStream(true).start();
            final byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(15, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return Map.of();
            }
            return parse(new String(out, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            return Map.of();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    static Map<Long, String> parse(final String threadDump)
    {
        final Map<Long, String> names = new HashMap<>();
        final Matcher m = THREAD.matcher(threadDump);
        while (m.find())
        {
            final String nid = m.group(2);
            names.put(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid), m.group(1));
        }
        return names;
    }
}
