package io.flashgate.replay;

import io.flashgate.engine.pipeline.StateBuilder;
import io.flashgate.engine.logic.BusinessLogic;
import io.flashgate.engine.logic.StateSnapshot;
import io.flashgate.journal.JournalReader;
import io.flashgate.journal.SnapshotLoad;
import io.flashgate.journal.SnapshotStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks every snapshot file: its checksum, that it decodes, that the journal reaches it, and that it agrees with
 * the journal: the journal is replayed from zero once, and at each snapshot's sequence the replayed state's
 * {@link StateSnapshot#stateHash} must equal that of the snapshot's decoded state. {@code verify} reports the
 * findings; {@code repair} quarantines the snapshots found bad.
 */
final class SnapshotAudit
{
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");

    /** What was found for one snapshot. */
    enum Status
    {
        /** Replaying the journal to its sequence gives the same state. */
        AGREES(false),
        /** Sound, but not compared with the journal (asked not to, or the journal does not start at 1). */
        NOT_COMPARED(false),
        /** Header, length or checksum wrong: the engine skips it. */
        BAD_FILE(true),
        /** Checksum right but the state does not decode: the engine skips it. */
        UNDECODABLE(true),
        /** Its sequence is past the journal's end: it belongs to a history the journal no longer holds. */
        BEYOND_JOURNAL(true),
        /** Replaying the journal to its sequence gives another state. */
        DISAGREES(true);

        private final boolean problem;

        Status(final boolean problem)
        {
            this.problem = problem;
        }

        boolean problem()
        {
            return problem;
        }
    }

    /**
     * @param file     the snapshot file.
     * @param sequence the sequence its name gives.
     * @param status   the verdict.
     * @param detail   why, in words.
     */
    record Finding(Path file, long sequence, Status status, String detail)
    {
    }

    private SnapshotAudit()
    {
    }

    /**
     * @param snapshots may be null (no snapshot folder).
     * @param compare   replay the journal and compare states; otherwise only checksums and decoding.
     * @param progress  stepped once per replayed record.
     * @return one finding per snapshot file, by sequence.
     */
    static List<Finding> audit(final JournalReader reader, final SnapshotStore snapshots, final boolean compare,
        final Progress progress) throws IOException
    {
        if (snapshots == null)
        {
            return List.of();
        }
        final List<Finding> findings = new ArrayList<>();
        final List<Sound> sound = new ArrayList<>();
        for (final Path file : snapshots.list())
        {
            final long sequence = sequenceOf(file);
            final SnapshotLoad load = snapshots.loadNewest(sequence);
            if (load.snapshot().isEmpty() || load.snapshot().get().sequence() != sequence)
            {
                final String reason = load.skipped().isEmpty() ? "unreadable" : load.skipped().get(0);
                findings.add(new Finding(file, sequence, Status.BAD_FILE, withoutFilePrefix(reason, file)));
                continue;
            }
            final long hash;
            try
            {
                final var snapshot = load.snapshot().get();
                final BusinessLogic state = StateSnapshot.read(snapshot.state(), 0, snapshot.length());
                // The hash only serves the comparison: --quick skips writing the state out again.
                hash = compare ? StateSnapshot.stateHash(state) : 0;
            }
            catch (final RuntimeException ex)
            {
                // The engine skips it on IllegalArgumentException; anything else from a damaged payload too.
                findings.add(new Finding(file, sequence, Status.UNDECODABLE, "does not decode: " + ex));
                continue;
            }
            if (sequence > reader.lastSequence())
            {
                findings.add(new Finding(file, sequence, Status.BEYOND_JOURNAL, "past the journal's end ("
                    + reader.lastSequence() + "): it holds a history this journal no longer has, and the engine would "
                    + "load it once new records reach sequence " + sequence));
                continue;
            }
            sound.add(new Sound(file, sequence, hash));
        }
        compareWithJournal(reader, sound, compare, progress, findings);
        findings.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        return findings;
    }

    private static void compareWithJournal(final JournalReader reader, final List<Sound> sound, final boolean compare,
        final Progress progress, final List<Finding> findings)
    {
        if (!compare)
        {
            sound.forEach(s -> findings.add(s.finding(Status.NOT_COMPARED, "checksum and decoding fine; not compared "
                + "with the journal (--quick)")));
            return;
        }
        if (reader.firstSequence() > 1)
        {
            sound.forEach(s -> findings.add(s.finding(Status.NOT_COMPARED, "checksum and decoding fine; not compared: "
                + "the journal starts at sequence " + reader.firstSequence() + ", so it cannot be replayed from zero")));
            return;
        }
        if (sound.isEmpty())
        {
            return;
        }
        final long upTo = sound.get(sound.size() - 1).sequence();
        final BusinessLogic logic = StateBuilder.freshLogic();
        final int[] next = {0};
        checkpointsAt(0, logic, sound, next, findings);
        progress.total(upTo);
        reader.replay(0, upTo, (sequence, buffer, offset, length) ->
        {
            logic.onCommand(buffer, offset, length, (b, o, l) -> { });
            progress.step();
            checkpointsAt(sequence, logic, sound, next, findings);
        });
    }

    private static void checkpointsAt(final long sequence, final BusinessLogic logic, final List<Sound> sound,
        final int[] next, final List<Finding> findings)
    {
        while (next[0] < sound.size() && sound.get(next[0]).sequence() == sequence)
        {
            final Sound snapshot = sound.get(next[0]++);
            final long replayed = StateSnapshot.stateHash(logic);
            findings.add(replayed == snapshot.hash()
                ? snapshot.finding(Status.AGREES, "agrees with the journal (state hash " + hex(replayed) + ")")
                : snapshot.finding(Status.DISAGREES, "disagrees with the journal: its state hash is "
                + hex(snapshot.hash()) + " but replaying the journal to sequence " + sequence + " gives "
                + hex(replayed)));
        }
    }

    static String hex(final long hash)
    {
        return String.format("%016x", hash);
    }

    static long sequenceOf(final Path file)
    {
        final Matcher matcher = NAME.matcher(file.getFileName().toString());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException(file + " is not a snapshot file name");
        }
        return Long.parseLong(matcher.group(1));
    }

    private static String withoutFilePrefix(final String reason, final Path file)
    {
        final String prefix = file + ": ";
        return reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
    }

    /** A snapshot whose file verifies and decodes, with its state's hash. */
    private record Sound(Path file, long sequence, long hash)
    {
        Finding finding(final Status status, final String detail)
        {
            return new Finding(file, sequence, status, detail);
        }
    }
}
