package io.flashgate.ops;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.ops.drill.DrillReport;
import io.flashgate.ops.drill.FailoverDrill;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code drill failover}: rehearses a failover on this host with real processes ({@link FailoverDrill}) and prints
 * what an operator wants to know: failover time, orders acknowledged and found, sold against stock. Exit 0 when
 * every promise held, 1 when one did not.
 */
final class DrillVerb implements LauncherVerb
{
    @Override
    public String name()
    {
        return "drill";
    }

    @Override
    public String summary()
    {
        return "drill failover: kill -9 a pair's primary under a contested sale, N rounds, and check nothing was lost";
    }

    @Override
    public String synopsis()
    {
        return "drill failover [--rounds N] [--stock N] [--shoppers N] [--rate N] [--work DIR]";
    }

    @Override
    public String description()
    {
        return """
            Starts a primary, its standby and an edge as separate processes on this host (free ports, folders in
            --work), drives a contested sale through the edge, and in each round SIGKILLs the primary at a random
            moment: the standby promotes itself, shoppers retry with their Idempotency-Key, and the killed engine
            comes back as the standby. Prints the failover time (SIGKILL to the first 201 from the new primary),
            orders acknowledged and found on the last primary, sold against stock, and replay diff of the journals.""";
    }

    @Override
    public List<Option> options()
    {
        return List.of(
            Option.valued("rounds", "N", "primaries to kill (default 5)"),
            Option.valued("stock", "N", "the sale's stock; as many shoppers, 2 units each at most (default 20000)"),
            Option.valued("shoppers", "N", "purchases under way at once (default 8)"),
            Option.valued("rate", "N", "purchases per second at most (default 400)"),
            Option.valued("heartbeat-timeout-millis", "MS", "the pair's heartbeat timeout (default 500)"),
            Option.valued("work", "DIR", "folder for the processes' data and logs (default: a new temporary one)"));
    }

    @Override
    public int execute(final Args args, final Map<String, String> env, final PrintStream out)
        throws UsageException, IOException
    {
        final List<String> what = args.positionals("DRILL");
        if (!"failover".equals(what.get(0)))
        {
            throw new UsageException("drill takes one drill: failover");
        }
        final long timeout = args.number("heartbeat-timeout-millis", 50).orElse(500L);
        final FailoverDrill.Options options = new FailoverDrill.Options(
            args.value("work").map(Path::of).orElse(Files.createTempDirectory("flashgate-drill-")),
            Math.toIntExact(args.number("rounds", 1).orElse(5L)),
            Math.toIntExact(args.number("stock", 10).orElse(20_000L)),
            Math.toIntExact(args.number("shoppers", 1).orElse(8L)),
            Math.toIntExact(args.number("rate", 1).orElse(400L)),
            Math.max(10, timeout / 5), timeout);
        out.println("drill: processes' data and logs in " + options.work());
        final DrillReport report = new FailoverDrill(options, out).run();
        out.println(report.describe());
        return report.passed() ? Launcher.OK : Launcher.FAILED;
    }
}
