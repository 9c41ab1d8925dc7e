package io.flashgate.replay;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.UsageException;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.journal.JournalReader;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.MessageText;
import io.flashgate.protocol.MessageTypes;
import org.agrona.DirectBuffer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code dump}: the journal's commands as JSON lines (one per command, rendered by {@link MessageText}), filtered;
 * with {@code --events}, each followed by the events business logic emits for it, indented. Filters on sale, user or
 * order replay the journal through business logic, because a cancel or confirm names only an order and an expiry
 * is caused by another command: a command matches when it names the sale, user or order, or when the events it
 * caused do.
 */
final class Dump implements Verb
{
    @Override
    public String name()
    {
        return "dump";
    }

    @Override
    public String summary()
    {
        return "print commands as JSON lines (and their events), filtered";
    }

    @Override
    public String synopsis()
    {
        return "dump --data-dir DIR [--events] [--sale S] [--user U] [--order N] [--type T[,T...]] "
            + "[--from-seq N] [--to-seq N] [--from-time ISO] [--to-time ISO]";
    }

    @Override
    public String description()
    {
        return """
            Prints the journal's commands, one JSON object per line, in sequence order; with --events each command
            is followed by the events business logic emits for it (replies and broadcasts), indented by two spaces.
            Filters combine (all must match). --sale/--user/--order match a command that names the sale, user or
            order, or whose events do: --order N shows the purchase that created order N, retries of it, the
            cancel/confirm/query commands naming it and the tick that expired it. Those filters and --events replay
            the journal through business logic (from zero, or from a snapshot before --from-seq).
            A record that is not a well-formed command is shown with its reason and 'journalSequence'.
            Read-only; works beside a running engine. Count and rate go to stderr. Exit 1 when damage ends the
            journal before --to-seq (or its end): the dump stops at the last good record (a note says where).""";
    }

    @Override
    public List<Option> options()
    {
        return List.of(DataLayout.DATA_DIR_OPTION,
            Option.flag("events", "also print the events each command caused"),
            Option.valued("sale", "SALE", "only commands about this sale"),
            Option.valued("user", "USER", "only commands about this user"),
            Option.valued("order", "N", "only commands about order N"),
            Option.valued("type", "TYPE[,TYPE]", "only these command types, e.g. PURCHASE,CANCEL_ORDER"),
            Option.valued("from-seq", "N", "start at sequence N"),
            Option.valued("to-seq", "N", "stop after sequence N"),
            Option.valued("from-time", "ISO", "only commands stamped at or after this time"),
            Option.valued("to-time", "ISO", "only commands stamped at or before this time"),
            Option.flag("from-zero", "replay from zero even when a snapshot would help"));
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        args.positionals();
        final Filter filter = Filter.from(args);
        final DataLayout layout = DataLayout.fromArgs(args);
        final JournalReader reader = layout.openReader(terminal);
        final PrintStream out = new PrintStream(new BufferedOutputStream(terminal.out(), 1 << 16), false,
            StandardCharsets.UTF_8);
        final Progress progress = new Progress(terminal, name(), reader.records());
        final boolean needsState = filter.needsState(args.flag("events"));
        // With state, start no earlier than the journal does: the state there must come from a snapshot.
        final long after = Math.max(Math.min(filter.fromSequence - 1, reader.lastSequence()),
            needsState && reader.records() > 0 ? reader.firstSequence() - 1 : 0);
        final long[] matched = new long[1];
        final CommandDecoder command = new CommandDecoder();

        if (!needsState)
        {
            Replays.until(reader, after, filter.toSequence, (sequence, buffer, offset, length) ->
            {
                progress.step();
                final boolean wellFormed = command.wrapAndValidate(buffer, offset, length) == null;
                if (filter.matchesRecord(command, wellFormed, buffer, offset, length))
                {
                    matched[0]++;
                    out.println(render(sequence, wellFormed, buffer, offset, length));
                }
                return !out.checkError();
            });
        }
        else
        {
            final BusinessLogic logic = DataLayout.build(reader, layout.snapshotStore(), after,
                args.flag("from-zero"), progress).logic();
            progress.total(progress.count() + Math.min(filter.toSequence, reader.lastSequence()) - after);
            final EventCapture events = new EventCapture();
            final EventDecoder event = new EventDecoder();
            final boolean showEvents = args.flag("events");
            Replays.until(reader, after, filter.toSequence, (sequence, buffer, offset, length) ->
            {
                progress.step();
                final boolean wellFormed = command.wrapAndValidate(buffer, offset, length) == null;
                final boolean recordMatches = filter.matchesRecord(command, wellFormed, buffer, offset, length);
                final int ordersBefore = logic.orderCount();
                events.clear();
                logic.onCommand(buffer, offset, length, events);
                final long createdOrder = logic.orderCount() > ordersBefore ? logic.orderCount() : 0;
                if (recordMatches && filter.matchesEntities(
                    wellFormed ? Named.byCommand(command, logic, createdOrder) : Named.NOTHING, events, event))
                {
                    matched[0]++;
                    out.println(render(sequence, wellFormed, buffer, offset, length));
                    for (int i = 0; showEvents && i < events.count(); i++)
                    {
                        out.println("  " + MessageText.toJson(events.buffer(), events.offset(i), events.length(i)));
                    }
                }
                return !out.checkError();
            });
        }
        out.flush();
        progress.finish();
        terminal.err().println(String.format(Locale.ROOT, "replay-tool: dump: %,d command(s) matched", matched[0]));
        return DataLayout.exitFor(reader, filter.toSequence, terminal, name());
    }

    /** The command as JSON; a record that is not a well-formed command also gets its journal sequence. */
    private static String render(final long sequence, final boolean wellFormed, final DirectBuffer buffer,
        final int offset, final int length)
    {
        final String json = MessageText.toJson(buffer, offset, length);
        return wellFormed ? json : "{\"journalSequence\":" + sequence + "," + json.substring(1);
    }

    /** What to show, from the command line. */
    private static final class Filter
    {
        private final Set<Short> types;
        private final long fromSequence;
        private final long toSequence;
        private final Instant fromTime;
        private final Instant toTime;
        private final String sale;
        private final String user;
        private final long order;

        private Filter(final Set<Short> types, final long fromSequence, final long toSequence, final Instant fromTime,
            final Instant toTime, final String sale, final String user, final long order)
        {
            this.types = types;
            this.fromSequence = fromSequence;
            this.toSequence = toSequence;
            this.fromTime = fromTime;
            this.toTime = toTime;
            this.sale = sale;
            this.user = user;
            this.order = order;
        }

        static Filter from(final Args args) throws ToolException, UsageException
        {
            final long fromSequence = args.number("from-seq", 1).orElse(1L);
            final long toSequence = args.number("to-seq", 1).orElse(Long.MAX_VALUE);
            if (fromSequence > toSequence)
            {
                throw ToolException.usage("--from-seq " + fromSequence + " is after --to-seq " + toSequence);
            }
            final Instant fromTime = args.instant("from-time").orElse(null);
            final Instant toTime = args.instant("to-time").orElse(null);
            if (fromTime != null && toTime != null && fromTime.isAfter(toTime))
            {
                throw ToolException.usage("--from-time " + fromTime + " is after --to-time " + toTime);
            }
            return new Filter(types(args), fromSequence, toSequence, fromTime, toTime,
                args.value("sale").orElse(null), args.value("user").orElse(null), args.number("order", 1).orElse(0L));
        }

        private static Set<Short> types(final Args args) throws ToolException
        {
            if (!args.has("type"))
            {
                return null;
            }
            final List<String> known = new ArrayList<>();
            for (short type = 1; MessageTypes.isCommand(type); type++)
            {
                known.add(MessageTypes.name(type));
            }
            final Set<Short> types = new HashSet<>();
            for (final String name : args.value("type").orElseThrow().split(","))
            {
                final int index = known.indexOf(name.trim().toUpperCase(Locale.ROOT));
                if (index < 0)
                {
                    throw ToolException.usage("unknown --type '" + name.trim() + "' (command types: "
                        + String.join(", ", known) + ")");
                }
                types.add((short)(index + 1));
            }
            return types;
        }

        boolean needsState(final boolean events)
        {
            return events || sale != null || user != null || order != 0;
        }

        /** Type and time, of a record {@code command} is wrapped over. */
        boolean matchesRecord(final CommandDecoder command, final boolean wellFormed, final DirectBuffer buffer,
            final int offset, final int length)
        {
            final long time = wellFormed ? command.timestamp() : Replays.NO_TIME;
            if (types != null && (length < 2 || !types.contains(CommandDecoder.typeOf(buffer, offset))))
            {
                return false;
            }
            if (fromTime != null && (time == Replays.NO_TIME || time < fromTime.toEpochMilli()))
            {
                return false;
            }
            return toTime == null || (time != Replays.NO_TIME && time <= toTime.toEpochMilli());
        }

        /** Sale, user and order, by what the command names and what its events name. */
        boolean matchesEntities(final Named named, final EventCapture events, final EventDecoder event)
        {
            return (sale == null || sale.equals(named.sale) || eventsName(events, event, sale, null, 0))
                && (user == null || user.equals(named.user) || user.equals(named.owner)
                || eventsName(events, event, null, user, 0))
                && (order == 0 || order == named.order || eventsName(events, event, null, null, order));
        }

        private static boolean eventsName(final EventCapture events, final EventDecoder event, final String sale,
            final String user, final long order)
        {
            for (int i = 0; i < events.count(); i++)
            {
                if (event.wrapAndValidate(events.buffer(), events.offset(i), events.length(i)) != null)
                {
                    continue;
                }
                final short type = event.type();
                final boolean orderEvent = type >= MessageTypes.ORDER_ACCEPTED && type <= MessageTypes.ORDER_INFO;
                final boolean saleEvent = type == MessageTypes.SALE_INFO || type == MessageTypes.SALE_STATUS_CHANGED;
                if ((sale != null && (orderEvent || saleEvent) && sale.equals(event.saleId()))
                    || (user != null && orderEvent && user.equals(event.userId()))
                    || (order != 0 && orderEvent && order == event.orderId()))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What a well-formed command names: directly, or through the order it names (looked up in the state).
     *
     * @param sale  the sale, or null.
     * @param user  the user who sent it, or null (a confirm, or an operator's query).
     * @param owner the user owning the order it names, or null.
     * @param order the order it names or created, or 0.
     */
    private record Named(String sale, String user, String owner, long order)
    {
        static final Named NOTHING = new Named(null, null, null, 0);

        static Named byCommand(final CommandDecoder command, final BusinessLogic logic, final long createdOrder)
        {
            return switch (command.type())
            {
                case MessageTypes.PURCHASE -> new Named(command.saleId(), command.userId(), null, createdOrder);
                case MessageTypes.CREATE_SALE, MessageTypes.ADJUST_STOCK, MessageTypes.PAUSE_SALE,
                    MessageTypes.RESUME_SALE, MessageTypes.END_SALE, MessageTypes.QUERY_SALE ->
                    new Named(command.saleId(), null, null, 0);
                case MessageTypes.CANCEL_ORDER, MessageTypes.CONFIRM_ORDER, MessageTypes.QUERY_ORDER ->
                {
                    final BusinessLogic.OrderView view = logic.order(command.orderId());
                    final String sender = command.type() == MessageTypes.CONFIRM_ORDER ? null : command.userId();
                    yield new Named(view == null ? null : view.saleId(), sender, view == null ? null : view.userId(),
                        command.orderId());
                }
                default -> NOTHING;
            };
        }
    }
}
