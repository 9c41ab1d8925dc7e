package io.flashgate.replay;

import io.flashgate.cli.Args;
import io.flashgate.cli.Option;
import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.UsageException;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.DrawAlgorithm;
import io.flashgate.engine.pipeline.StateBuilder;
import io.flashgate.journal.JournalReader;
import io.flashgate.protocol.CommandDecoder;
import io.flashgate.protocol.EventDecoder;
import io.flashgate.protocol.Ids;
import io.flashgate.protocol.MessageTypes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code draw-audit}: recomputes a draw sale's draw from the journal (docs/DRAW.md) and says whether it matches what
 * the engine did and, given the published record, what was published. The journal is replayed from zero through
 * business logic, which says which entries it took and in which order; the audit then hashes that entry list, runs
 * the algorithm on the seed of the journaled draw command, and compares, step by step, with the engine's draw and its
 * orders (the draw's winners and each one the waiting list served since).
 */
final class DrawAudit implements Verb
{
    private static final HexFormat HEX = HexFormat.of();

    @Override
    public String name()
    {
        return "draw-audit";
    }

    @Override
    public String summary()
    {
        return "recompute a draw sale's draw from the journal; say whether it matches";
    }

    @Override
    public String synopsis()
    {
        return "draw-audit --data-dir DIR --sale ID [--record FILE]";
    }

    @Override
    public String description()
    {
        return """
            Replays the journal from zero (no snapshot is trusted) and, for the draw sale, checks:
              seed:        SHA-256 of the seed the draw command revealed is the seedHash the sale was created with
              entries:     the entries the engine took, in journal order, hash to the entriesHash the draw published
              draw order:  docs/DRAW.md's algorithm on that list and that seed gives the winners the engine served,
                           in order: those of the draw, then each one the waiting list served since
              record:      with --record FILE (the JSON of GET /api/sales/ID/draw as it was published), its seed,
                           seedHash, entries, entriesHash and winners (hashed ids) equal the recomputed ones
            Prints each check (ok / MISMATCH), the recomputed record, then "draw-audit: MATCH" (exit 0) or
            "draw-audit: MISMATCH" (exit 1). A damaged journal (a record that fails its checksum) is a mismatch:
            the draw cannot be vouched for. Exit 3 when the sale is unknown, not a draw or not drawn.""";
    }

    @Override
    public List<Option> options()
    {
        return List.of(DataLayout.DATA_DIR_OPTION,
            Option.valued("sale", "ID", "the draw sale"),
            Option.valued("record", "FILE", "the published record (GET /api/sales/ID/draw) to compare with"));
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        args.positionals();
        final String saleId = args.required("sale");
        if (!Ids.isValid(saleId))
        {
            throw new UsageException("--sale must be 1-64 characters of [A-Za-z0-9_.:-]");
        }
        final String record = args.value("record").isPresent() ? Files.readString(Path.of(args.value("record").get()))
            : null;
        final DataLayout layout = DataLayout.fromArgs(args);
        final JournalReader reader = layout.openReader(terminal);
        final Progress progress = new Progress(terminal, name(), reader.records());
        final Witness witness = new Witness(saleId);
        final BusinessLogic logic = StateBuilder.freshLogic();
        final CommandDecoder command = new CommandDecoder();
        reader.replay(0, reader.lastSequence(), (sequence, buffer, offset, length) ->
        {
            progress.step();
            witness.beforeCommand(command, buffer, offset, length);
            logic.onCommand(buffer, offset, length, witness);
        });
        progress.finish(reader.records(), "records replayed");
        final boolean damaged = reader.scan().firstProblem() != null;
        if (damaged)
        {
            terminal.out().println("journal: MISMATCH: damaged after sequence " + reader.lastSequence() +
                " (a record fails its checksum or is torn): run verify");
            if (witness.seedHash == null || witness.drawSequence < 0)
            {
                terminal.out().println("draw: MISMATCH: no draw of sale " + saleId + " in the journal's valid prefix");
                terminal.out().println("draw-audit: MISMATCH");
                terminal.err().println("replay-tool: draw-audit: the journal is damaged before any draw of " + saleId);
                return ExitCodes.FAILED;
            }
        }
        if (witness.seedHash == null)
        {
            throw ToolException.failure("sale " + saleId + " is not a draw sale in this journal");
        }
        if (witness.drawSequence < 0)
        {
            throw ToolException.failure("sale " + saleId + " has not been drawn in this journal");
        }
        final boolean match = audit(saleId, witness, record, terminal.out());
        terminal.out().println("draw-audit: " + (match && !damaged ? "MATCH" : "MISMATCH"));
        if (!match || damaged)
        {
            terminal.err().println("replay-tool: draw-audit: the draw of " + saleId + " does not match (see the " +
                "checks marked MISMATCH)");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private static boolean audit(final String saleId, final Witness w, final String record, final PrintStream out)
    {
        final List<Boolean> checks = new ArrayList<>();
        out.println("sale " + saleId + ": drawn at sequence " + w.drawSequence + ", seed " + w.seed);
        final byte[] seedBytes = w.seed.getBytes(StandardCharsets.US_ASCII);
        check(checks, out, "seed", Arrays.equals(DrawAlgorithm.sha256(seedBytes, 0, seedBytes.length), w.seedHash),
            "SHA-256(seed) = seedHash " + HEX.formatHex(w.seedHash));

        final List<String> users = new ArrayList<>(w.entries.keySet());
        final byte[] entriesHash = entriesHash(saleId, users, new ArrayList<>(w.entries.values()));
        check(checks, out, "entries", Arrays.equals(entriesHash, w.publishedEntriesHash) &&
            users.size() == w.publishedEntries, users.size() + " entries, entriesHash " + HEX.formatHex(entriesHash) +
            (Arrays.equals(entriesHash, w.publishedEntriesHash) ? "" : " (engine: " +
            HEX.formatHex(w.publishedEntriesHash) + ", " + w.publishedEntries + " entries)"));

        final int[] order = new int[users.size()];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        new DrawAlgorithm().start(w.seed, saleId).shuffle(order, order.length);
        final List<String> drawOrder = new ArrayList<>();
        for (final int i : order)
        {
            drawOrder.add(users.get(i));
        }
        final List<String> served = new ArrayList<>(w.winnersAtDraw);
        served.addAll(w.servedLater);
        final boolean prefix = served.size() <= drawOrder.size() && drawOrder.subList(0, served.size()).equals(served);
        check(checks, out, "draw order", prefix && w.winnersAtDraw.size() == w.publishedWinnersAtDraw,
            w.winnersAtDraw.size() + " winners at the draw and " + w.servedLater.size() +
            " from the waiting list since, in the recomputed draw order");

        final List<String> hashedWinners = served.stream()
            .map(user -> HEX.formatHex(DrawAlgorithm.hashedId(saleId, user))).toList();
        if (record != null)
        {
            final boolean same = w.seed.equals(text(record, "seed")) &&
                HEX.formatHex(w.seedHash).equals(text(record, "seedHash")) &&
                HEX.formatHex(entriesHash).equals(text(record, "entriesHash")) &&
                String.valueOf(users.size()).equals(number(record, "entries"));
            final List<String> published = list(record, "winners");
            final boolean winners = published.size() <= hashedWinners.size() &&
                hashedWinners.subList(0, published.size()).equals(published);
            check(checks, out, "record", same && winners, "seed, seedHash, entries, entriesHash" +
                (same ? "" : " DIFFER") + "; " + published.size() + " published winners" +
                (winners ? " are the recomputed ones" : " DIFFER from the recomputed ones"));
        }
        out.println("recomputed record: algorithm " + DrawAlgorithm.NAME + " v" + DrawAlgorithm.VERSION +
            ", entries " + users.size() + ", entriesHash " + HEX.formatHex(entriesHash) + ", winners " +
            hashedWinners);
        return checks.stream().allMatch(Boolean::booleanValue);
    }

    private static void check(final List<Boolean> checks, final PrintStream out, final String what, final boolean ok,
        final String detail)
    {
        checks.add(ok);
        out.println(what + ": " + (ok ? "ok" : "MISMATCH") + ": " + detail);
    }

    private static byte[] entriesHash(final String saleId, final List<String> users, final List<Integer> quantities)
    {
        final java.io.ByteArrayOutputStream list = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < users.size(); i++)
        {
            list.writeBytes(DrawAlgorithm.hashedId(saleId, users.get(i)));
            final int q = quantities.get(i);
            list.writeBytes(new byte[] {(byte)(q >>> 24), (byte)(q >>> 16), (byte)(q >>> 8), (byte)q});
        }
        final byte[] bytes = list.toByteArray();
        return DrawAlgorithm.sha256(bytes, 0, bytes.length);
    }

    /** The published record is the edge's JSON; these read its flat fields without a JSON library. */
    private static String text(final String json, final String field)
    {
        final Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String number(final String json, final String field)
    {
        final Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> list(final String json, final String field)
    {
        final Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\\[([^\\]]*)]").matcher(json);
        final List<String> items = new ArrayList<>();
        if (m.find())
        {
            final Matcher item = Pattern.compile("\"([0-9a-fA-F]+)\"").matcher(m.group(1));
            while (item.find())
            {
                items.add(item.group(1).toLowerCase());
            }
        }
        return items;
    }

    /** What the journal's commands and the engine's events say of one draw sale, in journal order. */
    private static final class Witness implements io.flashgate.engine.logic.EventSink
    {
        private final String saleId;
        private final EventDecoder event = new EventDecoder();
        byte[] seedHash;
        /** user → quantity of the entries in, in journal order (a withdrawal removes; entering again appends). */
        final Map<String, Integer> entries = new LinkedHashMap<>();
        long drawSequence = -1;
        String seed;
        private String pendingSeed;
        byte[] publishedEntriesHash;
        int publishedEntries;
        int publishedWinnersAtDraw;
        final List<String> winnersAtDraw = new ArrayList<>();
        final List<String> servedLater = new ArrayList<>();

        Witness(final String saleId)
        {
            this.saleId = saleId;
        }

        void beforeCommand(final CommandDecoder command, final org.agrona.DirectBuffer buffer, final int offset,
            final int length)
        {
            pendingSeed = null;
            if (command.wrapAndValidate(buffer, offset, length) != null || !isSale(command))
            {
                return;
            }
            if (command.type() == MessageTypes.CREATE_SALE_V2 && seedHash == null && command.modeCode() == 1)
            {
                seedHash = new byte[DrawAlgorithm.HASH_LENGTH];
                buffer.getBytes(command.seedHashOffset(), seedHash);
            }
            else if (command.type() == MessageTypes.RUN_DRAW)
            {
                pendingSeed = command.seed();
            }
        }

        private boolean isSale(final CommandDecoder command)
        {
            final short type = command.type();
            return (type == MessageTypes.CREATE_SALE_V2 || type == MessageTypes.RUN_DRAW) &&
                command.saleId().equals(saleId);
        }

        @Override
        public void onEvent(final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            if (event.wrapAndValidate(buffer, offset, length) != null)
            {
                return;
            }
            final short type = event.type();
            if (type != MessageTypes.ENTRY_ACCEPTED && type != MessageTypes.ENTRY_WITHDRAWN &&
                type != MessageTypes.DRAW_COMPLETED && type != MessageTypes.ORDER_ALLOCATED)
            {
                return;
            }
            if (!event.saleId().equals(saleId))
            {
                return;
            }
            switch (type)
            {
                case MessageTypes.ENTRY_ACCEPTED -> entries.put(event.userId(), event.entryQuantity());
                case MessageTypes.ENTRY_WITHDRAWN -> entries.remove(event.userId());
                case MessageTypes.DRAW_COMPLETED ->
                {
                    drawSequence = event.sequence();
                    seed = pendingSeed;
                    publishedEntriesHash = event.drawEntriesHash();
                    publishedEntries = event.drawEntries();
                    publishedWinnersAtDraw = event.drawWinnersAtDraw();
                }
                default -> (event.sequence() == drawSequence ? winnersAtDraw : servedLater).add(event.userId());
            }
        }
    }
}
