package io.flashgate.load;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A measurement split in interleaved rounds, in turn forward and backward, A B C C B A A B C ...: a machine whose
 * load drifts during the run favours none of the legs, and no leg always runs after the same one (and inherits its
 * leftovers: garbage to collect, a standby still catching up). After a warm-up each leg starts once the compilers
 * are idle ({@link CompilerQuiet}), so that none is charged the compiles another leg made due. Each leg's rounds are
 * merged into one result.
 */
final class InterleavedRounds
{
    /**
     * One system under one kind of phase.
     *
     * @param phase a new phase for each round, on a sale of its own.
     */
    record Leg(Target target, Supplier<OpenLoop.Phase> phase)
    {
    }

    private InterleavedRounds()
    {
    }

    /**
     * Runs every leg once per round, for {@code rounds} rounds: in order in even rounds, in reverse in odd ones.
     *
     * @param eachRound told every round's result as it ends (the progress lines).
     * @param warm      true when the systems were warmed up ({@link CompilerQuiet#settles}): each leg then waits
     *                  for idle compilers first. After no or a smoke warm-up (the tests' short runs) the figures are
     *                  not the point, and the wait would only cost.
     * @return one merged result per leg, in the order of {@code legs}.
     */
    static List<OpenLoop.Result> run(final OpenLoop loop, final Workload workload, final int rounds,
        final List<Leg> legs, final Consumer<OpenLoop.Result> eachRound, final boolean warm) throws Exception
    {
        final List<List<OpenLoop.Result>> byLeg = new ArrayList<>();
        for (int i = 0; i < legs.size(); i++)
        {
            byLeg.add(new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++)
        {
            for (int turn = 0; turn < legs.size(); turn++)
            {
                final int i = round % 2 == 0 ? turn : legs.size() - 1 - turn;
                final Leg leg = legs.get(i);
                if (warm)
                {
                    loop.awaitCompilersQuiet(leg.target());
                }
                final OpenLoop.Result result = loop.run(leg.target(), workload, leg.phase().get());
                byLeg.get(i).add(result);
                eachRound.accept(result);
            }
        }
        final List<OpenLoop.Result> merged = new ArrayList<>();
        for (final List<OpenLoop.Result> results : byLeg)
        {
            if (!results.isEmpty())
            {
                merged.add(OpenLoop.Result.merge(results));
            }
        }
        return merged;
    }
}
