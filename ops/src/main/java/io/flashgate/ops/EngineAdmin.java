package io.flashgate.ops;

import io.flashgate.edge.http.ApiError;
import io.flashgate.edge.http.EngineStatusView;
import io.flashgate.edge.http.OperationsServer;
import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.PairView;
import io.flashgate.engine.pipeline.SinkReport;
import io.flashgate.protocol.Reply;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator routes of an engine process (docs/HTTP-API.md, "Engine process"), served by its
 * {@link OperationsServer} beside /metrics: {@code GET /admin/engine} (role, epoch, sequences, standby),
 * {@code POST /admin/promote[?force=true]}, {@code POST /admin/solo} and the order sink's report. An engine alone
 * answers the first and refuses promote and solo.
 */
sealed interface EngineAdmin extends OperationsServer.EngineOperator permits EngineAdmin.Alone, EngineAdmin.Paired
{
    Engine engine();

    default boolean isHealthy()
    {
        return engine().fault() == null;
    }

    /** The edge's {@code GET /admin/engine} view ({@link EngineStatusView}) of this engine, with {@link #extra}. */
    @Override
    default Map<String, Object> status()
    {
        final Engine engine = engine();
        final PairView pair = engine.pair();
        final long sequence = engine.lastPublishedSequence();
        final long durable = engine.durableSequence();
        final SinkReport.Figures sink = engine.sinkReport().now(System.currentTimeMillis());
        final Map<String, Object> view = new LinkedHashMap<>(EngineStatusView.of(new Reply.EngineStatus(pair.role(),
            engine.epochs().current(), sequence, durable, new Reply.Standby(pair.standbyState(),
            pair.standbyAckedSequence(), pair.lagRecords(sequence, durable)),
            new Reply.Sink(sink.committedSequence(), sink.lagRecords()))));
        extra(view);
        return view;
    }

    /** Adds what only an engine process knows (its pair's fencing, hold and ZooKeeper view). */
    default void extra(final Map<String, Object> view)
    {
    }

    /** The order sink says how far it has committed: the engine's and every edge's /admin/engine show it. */
    @Override
    default Map<String, Object> sinkReport(final long committed, final long lagRecords)
    {
        engine().sinkReport().report(committed, lagRecords, System.currentTimeMillis());
        return Map.of("status", "TAKEN");
    }

    static EngineAdmin alone(final Engine engine)
    {
        return new Alone(engine);
    }

    static EngineAdmin paired(final PairedEngine paired)
    {
        return new Paired(paired);
    }

    record Alone(Engine engine) implements EngineAdmin
    {
        @Override
        public Map<String, Object> promote(final boolean force)
        {
            throw notInAPair();
        }

        @Override
        public Map<String, Object> solo()
        {
            throw notInAPair();
        }

        private static ApiError notInAPair()
        {
            return new ApiError(409, "NOT_IN_A_PAIR", "this engine runs alone (pair.peer is not set)");
        }
    }

    record Paired(PairedEngine paired) implements EngineAdmin
    {
        @Override
        public Engine engine()
        {
            return paired.engine();
        }

        @Override
        public void extra(final Map<String, Object> view)
        {
            view.put("fenced", paired.state().isFenced());
            view.put("soloByOperator", paired.state().isSoloByOperator());
            view.put("hold", paired.state().hold());
            final io.flashgate.coordination.PairRegistry registry = paired.registry();
            if (registry != null)
            {
                final io.flashgate.coordination.PairRegistry.View now = registry.view();
                final Map<String, Object> zookeeper = new LinkedHashMap<>();
                zookeeper.put("connected", registry.connected());
                zookeeper.put("engineId", registry.engineId());
                zookeeper.put("pairEpoch", now.epoch());
                zookeeper.put("leader", now.leader());
                zookeeper.put("synchronousSet", now.sync());
                view.put("zookeeper", zookeeper);
                registry.refresh();
            }
        }

        @Override
        public Map<String, Object> promote(final boolean force)
        {
            if (paired.promote(force))
            {
                return Map.of("status", "PROMOTING", "message", "the standby journals a new epoch and takes " +
                    "commands; GET /admin/engine shows it");
            }
            throw new ApiError(409, "NOT_PROMOTABLE", "only a standby in sync is promoted (role now " +
                paired.state().role() + "); --force promotes one that may lack acknowledged records");
        }

        @Override
        public Map<String, Object> solo()
        {
            if (paired.solo())
            {
                return Map.of("status", "SOLO", "message", "results are released without a standby (one copy) " +
                    "until a standby is in sync again");
            }
            throw new ApiError(409, "NOT_PRIMARY", "solo applies to a pair's primary (role now " +
                paired.state().role() + (paired.state().isFenced() ? ", fenced" : "") + ")");
        }
    }
}
