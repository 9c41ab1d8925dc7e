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
        return "drill failover [--scenario primary,standby,link,primary-zk,standby-zk,zk-all,zk-node|all] [--no-zookeeper] [--rounds N] " +
            "[--stock N] [--shoppers N] [--rate N] [--work DIR]";
    }

    @Override
    public String description()
    {
        return """
            Starts three ZooKeeper servers, a primary, its standby and an edge as separate processes on this host
            (free ports, folders in --work), drives a contested sale through the edge, and in each round injects
            each scenario at a random moment, with no operator: primary (SIGKILL of the primary: the standby
            promotes), standby (SIGKILL of the standby: the primary sells alone, the standby rejoins), link (the
            engines' link cut, then healed), primary-zk and standby-zk (that engine cut off from ZooKeeper), zk-all
            (both cut off from every ZooKeeper server), zk-node (SIGKILL of one ZooKeeper server); after the last four
            the same engine must still be primary, its standby in sync. Shoppers retry with their Idempotency-Key.
            Prints per scenario how long sales halted (p50, p99, max) and the 504s shoppers saw; orders acknowledged
            and found on the last primary, sold against stock, and replay diff of the journals. --no-zookeeper: the
            pair alone (scenario primary only).""";
    }

    @Override
    public List<Option> options()
    {
        return List.of(
            Option.valued("rounds", "N", "rounds; each injects every scenario once (default 5)"),
            Option.valued("scenario", "LIST", "primary, standby, link, primary-zk, standby-zk, zk-all, zk-node, " +
                "separated by commas, or all (default all)"),
            Option.flag("no-zookeeper", "run the pair without ZooKeeper (only the primary scenario needs no operator)"),
            Option.valued("stock", "N", "the sale's stock; as many shoppers, 2 units each at most (default: what " +
                "lasts the drill, the rate times 15 s per scenario and round, at least 20000)"),
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
        final boolean zookeeper = !args.flag("no-zookeeper");
        final List<io.flashgate.ops.drill.Scenario> scenarios;
        try
        {
            scenarios = io.flashgate.ops.drill.Scenario.parse(args.value("scenario")
                .orElse(zookeeper ? "all" : "primary"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException(ex.getMessage());
        }
        if (!zookeeper && !scenarios.equals(List.of(io.flashgate.ops.drill.Scenario.PRIMARY)))
        {
            throw new UsageException("without ZooKeeper only the primary scenario is handled with no operator");
        }
        final int rounds = Math.toIntExact(args.number("rounds", 1).orElse(5L));
        final int rate = Math.toIntExact(args.number("rate", 1).orElse(400L));
        final FailoverDrill.Options options = new FailoverDrill.Options(
            args.value("work").map(Path::of).orElse(Files.createTempDirectory("flashgate-drill-")),
            rounds,
            Math.toIntExact(args.number("stock", 10)
                .orElse((long)FailoverDrill.Options.stockLasting(rounds, scenarios.size(), rate))),
            Math.toIntExact(args.number("shoppers", 1).orElse(8L)),
            rate,
            Math.max(10, timeout / 5), timeout, scenarios, zookeeper);
        out.println("drill: processes' data and logs in " + options.work());
        final DrillReport report = new FailoverDrill(options, out).run();
        out.println(report.describe());
        return report.passed() ? Launcher.OK : Launcher.FAILED;
    }
}
