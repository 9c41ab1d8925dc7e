package io.flashgate.replay;

import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Option;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.StateLines;
import io.flashgate.engine.pipeline.StateBuilder;
import io.flashgate.journal.JournalReader;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code export}: one sale's orders, as CSV or JSON lines, for payment and fulfilment reconciliation. Ids are
 * restricted by the protocol to {@code [A-Za-z0-9_.:-]}, so no field ever needs quoting or escaping.
 */
final class Export implements Verb
{
    private static final String COLUMNS = StateLines.ORDER_COLUMNS;

    @Override
    public String name()
    {
        return "export";
    }

    @Override
    public String summary()
    {
        return "one sale's orders as CSV or JSON lines, for reconciliation";
    }

    @Override
    public String synopsis()
    {
        return "export --data-dir DIR --sale S [--format csv|jsonl] [--at-seq N | --at-time ISO] [--from-zero]";
    }

    @Override
    public String description()
    {
        return """
            Rebuilds the state (as rebuild does) and prints every order of the sale, by order id:
              csv:   header line '%s', then one line per order
              jsonl: one JSON object per order with the same fields
            status is RESERVED, CONFIRMED, CANCELLED or EXPIRED; expiresAt is ISO-8601 UTC. Pay and ship CONFIRMED
            orders; RESERVED ones may still be confirmed or expire. The count and rate go to stderr.
            Exit 1 when the journal is damaged before the point asked for: the orders are then those of its
            valid prefix (a note says where).""".formatted(COLUMNS);
    }

    @Override
    public List<Option> options()
    {
        final List<Option> options = new ArrayList<>();
        options.add(DataLayout.DATA_DIR_OPTION);
        options.add(Option.valued("sale", "S", "the sale to export (required)"));
        options.add(Option.valued("format", "csv|jsonl", "output format (default csv)"));
        options.addAll(StatePoint.OPTIONS);
        return options;
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        args.positionals();
        final String sale = args.required("sale");
        final String format = args.value("format").orElse("csv").toLowerCase(Locale.ROOT);
        if (!format.equals("csv") && !format.equals("jsonl"))
        {
            throw ToolException.usage("--format must be csv or jsonl, was '" + format + "'");
        }
        final DataLayout layout = DataLayout.fromArgs(args);
        final JournalReader reader = layout.openReader(terminal);
        final Progress progress = new Progress(terminal, name(), reader.records());
        final StatePoint point = StatePoint.resolve(args, reader, progress);
        final BusinessLogic logic = DataLayout.build(reader, layout.snapshotStore(), point.sequence(),
            args.flag("from-zero"), progress).logic();
        if (logic.saleFigures(sale) == null)
        {
            throw ToolException.failure("no sale '" + sale + "' in the journal " + point.description() + " (sales: "
                + (logic.saleIds().isEmpty() ? "none" : String.join(", ", logic.saleIds())) + ")");
        }

        final PrintStream out = new PrintStream(new BufferedOutputStream(terminal.out(), 1 << 16), false,
            StandardCharsets.US_ASCII);
        if (format.equals("csv"))
        {
            out.println(COLUMNS);
        }
        long exported = 0;
        for (long orderId = 1; orderId <= logic.orderCount(); orderId++)
        {
            final BusinessLogic.OrderView order = logic.order(orderId);
            if (order.saleId().equals(sale))
            {
                out.println(format.equals("csv") ? StateLines.orderCsv(order) : StateLines.orderJson(order));
                exported++;
            }
        }
        out.flush();
        progress.finish();
        terminal.err().println(String.format(Locale.ROOT, "replay-tool: export: %,d order(s) of sale %s, %s",
            exported, sale, point.description()));
        return DataLayout.exitFor(reader, point.needed(), terminal, name());
    }
}
