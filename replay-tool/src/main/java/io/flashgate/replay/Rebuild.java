package io.flashgate.replay;

import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;
import io.flashgate.cli.Option;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.StateLines;
import io.flashgate.engine.pipeline.StateBuilder;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.JournalReader;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rebuild}: replays the journal offline into a fresh business logic (from the newest usable snapshot, or
 * from zero) and prints each sale's figures and the state hash, at the journal's end or at a past moment.
 */
final class Rebuild implements Verb
{
    @Override
    public String name()
    {
        return "rebuild";
    }

    @Override
    public String summary()
    {
        return "replay offline; print each sale's figures and the state hash";
    }

    @Override
    public String synopsis()
    {
        return "rebuild --data-dir DIR [--at-seq N | --at-time ISO] [--from-zero]";
    }

    @Override
    public String description()
    {
        return """
            Replays the journal into a fresh business logic, as the engine does at start-up (the newest snapshot
            at or before the point that verifies and decodes, then the records after it; --from-zero ignores
            snapshots), and prints:
              state: <which point>, <origin>
              sale <id>: stock=.. reserved=.. confirmed=.. remaining=.. buyers=.. limitPerUser=.. status=..
              orders: <count>
              state hash: <16 hex digits>   (equal states have equal hashes; compare with another rebuild)
            Read-only; works beside a running engine. The rate goes to stderr. Exit 1 when the journal is damaged
            before the point asked for: the figures are then those of its valid prefix (a note says where).""";
    }

    @Override
    public List<Option> options()
    {
        final List<Option> options = new ArrayList<>();
        options.add(DataLayout.DATA_DIR_OPTION);
        options.addAll(StatePoint.OPTIONS);
        return options;
    }

    @Override
    public int run(final Args args, final Terminal terminal) throws ToolException, UsageException, IOException
    {
        args.positionals();
        final DataLayout layout = DataLayout.fromArgs(args);
        final JournalReader reader = layout.openReader(terminal);
        final Progress progress = new Progress(terminal, name(), reader.records());
        final StatePoint point = StatePoint.resolve(args, reader, progress);
        final StateBuilder.Built built = DataLayout.build(reader, layout.snapshotStore(), point.sequence(),
            args.flag("from-zero"), progress);
        built.skippedSnapshots().forEach(skipped -> terminal.note("skipped snapshot " + skipped));

        final PrintStream out = terminal.out();
        final BusinessLogic logic = built.logic();
        out.println("state: " + point.description() + ", " + built.origin());
        for (final String saleId : logic.saleIds())
        {
            out.println(StateLines.sale(logic.saleFigures(saleId)));
        }
        out.println("orders: " + logic.orderCount());
        out.println("state hash: " + SnapshotAudit.hex(StateSnapshot.stateHash(logic)));
        progress.finish(built.replayed(), built.snapshotSequence() < 0 ? "records replayed"
            : "records replayed after the snapshot at " + built.snapshotSequence());
        return DataLayout.exitFor(reader, point.needed(), terminal, name());
    }
}
