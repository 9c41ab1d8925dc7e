package io.flashgate.replay;

import io.flashgate.cli.ExitCodes;
import io.flashgate.cli.Args;
import io.flashgate.cli.UsageException;

import java.io.IOException;
import java.util.List;

/** One operator verb: {@code replay-tool <name> [options]}. */
sealed interface Verb extends io.flashgate.cli.Verb permits Verify, Dump, Rebuild, Export, Repair, WriteSnapshot, Diff,
    DrawAudit
{
    /** Every verb, in the order help lists them. */
    static List<Verb> all()
    {
        return List.of(new Verify(), new Dump(), new Rebuild(), new Export(), new Repair(), new WriteSnapshot(),
            new Diff(), new DrawAudit());
    }

    /**
     * @return the exit code (see {@link ExitCodes}).
     * @throws ToolException for a one-line error.
     */
    int run(Args args, Terminal terminal) throws ToolException, UsageException, IOException;
}
