package io.flashgate.ops;

import io.flashgate.engine.pair.PairedEngine;
import io.flashgate.engine.pipeline.Engine;
import io.flashgate.engine.pipeline.PairView;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flashgate.edge.http.EngineStatusView;
import io.flashgate.protocol.Reply;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator routes of an engine process (docs/HTTP-API.md, "Engine process"), served beside its /metrics:
 * {@code GET /admin/engine} (role, epoch, sequences, standby), {@code POST /admin/promote[?force=true]} and
 * {@code POST /admin/solo}. An engine alone answers the first and refuses the others.
 */
sealed interface EngineAdmin permits EngineAdmin.Alone, EngineAdmin.Paired
{
    ObjectMapper JSON = new ObjectMapper();

    /** An HTTP status and a JSON body. */
    record Answer(int status, String json)
    {
    }

    Engine engine();

    Answer promote(boolean force);

    Answer solo();

    default boolean isHealthy()
    {
        return engine().fault() == null;
    }

    /**
     * The engine's figures as JSON: the edge's {@code GET /admin/engine} view ({@link EngineStatusView}) of this
     * engine, with {@link #extra} added.
     */
    default String status()
    {
        final Engine engine = engine();
        final PairView pair = engine.pair();
        final long sequence = engine.lastPublishedSequence();
        final long durable = engine.durableSequence();
        final io.flashgate.engine.pipeline.SinkReport.Figures sink =
            engine.sinkReport().now(System.currentTimeMillis());
        final Map<String, Object> view = new LinkedHashMap<>(EngineStatusView.of(new Reply.EngineStatus(pair.role(),
            engine.epochs().current(), sequence, durable, new Reply.Standby(pair.standbyState(),
            pair.standbyAckedSequence(), pair.lagRecords(sequence, durable)),
            new Reply.Sink(sink.committedSequence(), sink.lagRecords()))));
        extra(view);
        try
        {
            return JSON.writeValueAsString(view);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Adds what only an engine process knows (its pair's fencing, hold and ZooKeeper view). */
    default void extra(final Map<String, Object> view)
    {
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
        private static final Answer NOT_IN_A_PAIR = new Answer(409,
            "{\"error\":\"NOT_IN_A_PAIR\",\"message\":\"this engine runs alone (pair.peer is not set)\"}");

        @Override
        public Answer promote(final boolean force)
        {
            return NOT_IN_A_PAIR;
        }

        @Override
        public Answer solo()
        {
            return NOT_IN_A_PAIR;
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
        public Answer promote(final boolean force)
        {
            if (paired.promote(force))
            {
                return new Answer(202, "{\"status\":\"PROMOTING\",\"message\":\"the standby journals a new epoch and " +
                    "takes commands; GET /admin/engine shows it\"}");
            }
            return new Answer(409, "{\"error\":\"NOT_PROMOTABLE\",\"message\":\"only a standby in sync is promoted " +
                "(role now " + paired.state().role() + "); --force promotes one that may lack acknowledged records\"}");
        }

        @Override
        public Answer solo()
        {
            if (paired.solo())
            {
                return new Answer(202, "{\"status\":\"SOLO\",\"message\":\"results are released without a standby " +
                    "(one copy) until a standby is in sync again\"}");
            }
            return new Answer(409, "{\"error\":\"NOT_PRIMARY\",\"message\":\"solo applies to a pair's primary (role " +
                "now " + paired.state().role() + (paired.state().isFenced() ? ", fenced" : "") + ")\"}");
        }
    }
}
